import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  code: {
    margin: theme.spacing(1, 0, 2),
    padding: theme.spacing(1.5),
    overflowX: 'auto',
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    fontSize: theme.typography.body2.fontSize,
  },
}));

/**
 * A block of YAML to copy. Rendered as a block element of its own, never
 * inside a paragraph, where a `<pre>` is invalid HTML.
 */
export function CodeBlock(props: { children: ReactNode }) {
  const classes = useStyles();
  return <pre className={classes.code}>{props.children}</pre>;
}
