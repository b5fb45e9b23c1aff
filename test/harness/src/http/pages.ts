/**
 * The page a list request asks for, as GitHub and GitLab both read it: `per_page` between 1 and
 * 100 (the host's default when absent or not a number), `page` from 1. `linkTo(n)` is the URL of
 * page `n` for a `Link` header; each host orders its links and adds its headers itself.
 */
export function pageWindow(
  items: readonly unknown[],
  request: { query: URLSearchParams; url: string },
  defaultPerPage: number,
): {
  perPage: number;
  page: number;
  last: number;
  linkTo: (n: number) => string;
} {
  const perPage = Math.min(
    100,
    Math.max(1, Number(request.query.get('per_page')) || defaultPerPage),
  );
  const page = Math.max(1, Number(request.query.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const linkTo = (n: number) => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(n));
    query.set('per_page', String(perPage));
    return `<${request.url}?${query}>`;
  };
  return { perPage, page, last, linkTo };
}
