import { Fragment } from 'react';

/**
 * An image or file path that may wrap only after a `/` or `:`, never
 * mid-word ("docker.io/libra ry/nginx" reads as two names).
 */
export function BreakableName(props: { children: string }) {
  const parts = props.children.split(/(?<=[/:])/);
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
