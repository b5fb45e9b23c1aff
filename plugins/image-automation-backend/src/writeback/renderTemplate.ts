/**
 * A small subset of Go's text/template, enough for the commit and pull
 * request templates Flux users already have: `{{ .Field.Path }}`, `{{ . }}`,
 * `{{ range X }}…{{ end }}` (with `$v :=` and `$k, $v :=`), `{{ if X }}…
 * {{ else }}…{{ end }}`, variables, and the `{{-`/`-}}` trim markers.
 * Anything else is an error that names the action, never silent output.
 */
export class TemplateError extends Error {
  readonly name = 'TemplateError';
}

type Node =
  | { type: 'text'; text: string }
  | { type: 'value'; expr: string }
  | {
      type: 'range';
      expr: string;
      key?: string;
      value?: string;
      body: Node[];
      otherwise: Node[];
    }
  | { type: 'if'; expr: string; body: Node[]; otherwise: Node[] };

const ACTION = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;

export function renderTemplate(template: string, data: unknown): string {
  return render(parse(template), { dot: data, root: data, vars: new Map() });
}

type Token = { kind: 'text'; text: string } | { kind: 'action'; body: string };

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  let trimNextText = false;
  for (const match of template.matchAll(ACTION)) {
    let text = template.slice(last, match.index);
    if (trimNextText) text = text.replace(/^\s+/, '');
    if (match[1] === '-') text = text.replace(/\s+$/, '');
    tokens.push({ kind: 'text', text }, { kind: 'action', body: match[2] });
    trimNextText = match[3] === '-';
    last = match.index! + match[0].length;
  }
  const tail = template.slice(last);
  tokens.push({
    kind: 'text',
    text: trimNextText ? tail.replace(/^\s+/, '') : tail,
  });
  return tokens;
}

function parse(template: string): Node[] {
  const tokens = tokenize(template);
  let position = 0;
  function block(terminators: string[]): { nodes: Node[]; end: string } {
    const nodes: Node[] = [];
    while (position < tokens.length) {
      const token = tokens[position++];
      if (token.kind === 'text') {
        if (token.text) nodes.push({ type: 'text', text: token.text });
        continue;
      }
      const body = token.body;
      if (body.startsWith('/*')) continue;
      const keyword = body.split(/\s+/)[0];
      if (terminators.includes(keyword)) return { nodes, end: keyword };
      if (keyword === 'range' || keyword === 'if') {
        const header = body.slice(keyword.length).trim();
        const inner = block(['end', 'else']);
        const otherwise = inner.end === 'else' ? block(['end']).nodes : [];
        if (keyword === 'if') {
          nodes.push({
            type: 'if',
            expr: header,
            body: inner.nodes,
            otherwise,
          });
        } else {
          const declared = /^(\$\w+)\s*(?:,\s*(\$\w+)\s*)?:=\s*(.+)$/.exec(
            header,
          );
          nodes.push(
            declared
              ? {
                  type: 'range',
                  expr: declared[3],
                  key: declared[2] ? declared[1] : undefined,
                  value: declared[2] ?? declared[1],
                  body: inner.nodes,
                  otherwise,
                }
              : { type: 'range', expr: header, body: inner.nodes, otherwise },
          );
        }
        continue;
      }
      if (['end', 'else'].includes(keyword)) {
        throw new TemplateError(`unexpected {{ ${keyword} }}`);
      }
      nodes.push({ type: 'value', expr: body });
    }
    if (terminators.length) {
      throw new TemplateError(`missing {{ end }} for a range or if`);
    }
    return { nodes, end: '' };
  }
  return block([]).nodes;
}

interface Scope {
  dot: unknown;
  root: unknown;
  vars: Map<string, unknown>;
}

function render(nodes: Node[], scope: Scope): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += node.text;
    else if (node.type === 'value') out += format(evaluate(node.expr, scope));
    else if (node.type === 'if') {
      out += render(
        truthy(evaluate(node.expr, scope)) ? node.body : node.otherwise,
        scope,
      );
    } else {
      const entries = entriesOf(evaluate(node.expr, scope));
      if (!entries.length) {
        out += render(node.otherwise, scope);
        continue;
      }
      for (const [key, value] of entries) {
        const vars = new Map(scope.vars);
        if (node.key) vars.set(node.key, key);
        if (node.value) vars.set(node.value, value);
        out += render(node.body, { ...scope, dot: value, vars });
      }
    }
  }
  return out;
}

/** What `range` iterates: list items by index, map entries by sorted key (as Go does). */
function entriesOf(collection: unknown): Array<[unknown, unknown]> {
  if (Array.isArray(collection)) return collection.map((v, i) => [i, v]);
  if (collection && typeof collection === 'object') {
    return Object.keys(collection)
      .sort()
      .map(k => [k, (collection as Record<string, unknown>)[k]]);
  }
  return [];
}

function evaluate(expr: string, scope: Scope): unknown {
  const trimmed = expr.trim();
  if (!/^(\$\w*|\.)?(\.?[A-Za-z_]\w*)*$/.test(trimmed) || trimmed === '') {
    throw new TemplateError(
      `unsupported template action {{ ${trimmed} }}: use fields such as {{ .NewTag }}`,
    );
  }
  let value: unknown;
  let path: string;
  if (trimmed.startsWith('$')) {
    const name = /^\$\w*/.exec(trimmed)![0];
    if (name === '$') value = scope.root;
    else if (scope.vars.has(name)) value = scope.vars.get(name);
    else throw new TemplateError(`undefined variable ${name}`);
    path = trimmed.slice(name.length);
  } else {
    value = scope.dot;
    path = trimmed === '.' ? '' : trimmed;
  }
  for (const field of path.split('.').filter(Boolean)) {
    if (
      value === null ||
      typeof value !== 'object' ||
      !(field in (value as object))
    ) {
      throw new TemplateError(
        `the template data has no field ${field} (in {{ ${trimmed} }})`,
      );
    }
    value = (value as Record<string, unknown>)[field];
  }
  return value;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function format(value: unknown): string {
  if (value === undefined || value === null) return '<no value>';
  if (typeof value === 'object' && 'String' in (value as object)) {
    return String((value as { String: unknown }).String);
  }
  return String(value);
}
