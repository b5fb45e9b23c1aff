import { ConfigProblem } from '@image-automation/plugin-image-automation-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CodeBlock } from './CodeBlock';

/**
 * What is wrong in the entity's annotations or config file, each with the key
 * at fault and a correct example, so the owner can fix catalog-info.yaml.
 */
export function ConfigProblems(props: { problems: ConfigProblem[] }) {
  const { problems } = props;
  return (
    <Box component="section" aria-label="configuration problems" mb={2}>
      <Typography variant="h6" component="h3" color="error" gutterBottom>
        The image automation settings need fixing
      </Typography>
      <Typography variant="body2" paragraph>
        Fix these in the entity's catalog-info.yaml; the images they concern are
        not automated until then.
      </Typography>
      {problems.map(problem => (
        <Box key={`${problem.key}: ${problem.message}`} mb={1}>
          <Typography variant="body2">
            <code>{problem.key}</code>: {problem.message}
          </Typography>
          {problem.example && (
            <>
              <Typography variant="caption" component="div">
                For example:
              </Typography>
              <CodeBlock>{problem.example}</CodeBlock>
            </>
          )}
        </Box>
      ))}
    </Box>
  );
}
