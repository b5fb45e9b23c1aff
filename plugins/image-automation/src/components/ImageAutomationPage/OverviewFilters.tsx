import { IMAGE_STATES } from '@image-automation/plugin-image-automation-common';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { STATE_LABELS } from '../ImageStateChip';
import { OverviewSearch, OwnerChoice } from './overviewSearch';

type Filters = Pick<OverviewSearch, 'owner' | 'states' | 'registry' | 'text'>;

/** Owner, state, registry and text pickers above the overview table. */
export function OverviewFilters(props: {
  value: Filters;
  registries: string[];
  onChange: (value: Filters) => void;
}) {
  const { value, registries, onChange } = props;
  // The text goes to the URL (and the backend) once typing pauses.
  const [text, setText] = useState(value.text);
  useEffect(() => setText(value.text), [value.text]);
  useDebounce(
    () => {
      if (text !== value.text) onChange({ ...value, text });
    },
    300,
    [text],
  );
  const options = [
    ...new Set([...registries, ...(value.registry ? [value.registry] : [])]),
  ].sort();

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} sm={6} md={3}>
        <TextField
          select
          fullWidth
          id="image-automation-owner"
          label="Owner"
          value={value.owner}
          onChange={e =>
            onChange({ ...value, owner: e.target.value as OwnerChoice })
          }
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
        >
          <option value="mine">Owned by me or my groups</option>
          <option value="all">All owners</option>
        </TextField>
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <TextField
          select
          fullWidth
          id="image-automation-state"
          label="State"
          value={value.states[0] ?? ''}
          onChange={e =>
            onChange({
              ...value,
              states: e.target.value
                ? [e.target.value as OverviewSearch['states'][number]]
                : [],
            })
          }
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
        >
          <option value="">Any state</option>
          {IMAGE_STATES.map(state => (
            <option key={state} value={state}>
              {STATE_LABELS[state]}
            </option>
          ))}
        </TextField>
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <TextField
          select
          fullWidth
          id="image-automation-registry"
          label="Registry"
          value={value.registry ?? ''}
          onChange={e =>
            onChange({ ...value, registry: e.target.value || undefined })
          }
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
        >
          <option value="">Any registry</option>
          {options.map(registry => (
            <option key={registry} value={registry}>
              {registry}
            </option>
          ))}
        </TextField>
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <TextField
          fullWidth
          type="search"
          id="image-automation-text"
          label="Search"
          placeholder="Entity, owner, system or image"
          value={text}
          onChange={e => setText(e.target.value)}
          InputLabelProps={{ shrink: true }}
        />
      </Grid>
    </Grid>
  );
}
