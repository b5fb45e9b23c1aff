import {
  IMAGE_STATES,
  ImageState,
} from '@image-automation/plugin-image-automation-common';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import { ChangeEvent } from 'react';
import { STATE_LABELS } from '../ImageStateChip';

/** `mine`: the signed-in user and their groups; `all`: every owner. */
export type OwnerChoice = 'mine' | 'all';

/** @public */
export interface OverviewFilterValues {
  owner: OwnerChoice;
  state?: ImageState;
  registry?: string;
}

/** Owner, state and registry pickers above the overview table. */
export function OverviewFilters(props: {
  value: OverviewFilterValues;
  registries: string[];
  onChange: (value: OverviewFilterValues) => void;
}) {
  const { value, registries, onChange } = props;
  const pick =
    (field: keyof OverviewFilterValues) =>
    (event: ChangeEvent<{ value: unknown }>) =>
      onChange({
        ...value,
        [field]: (event.target.value as string) || undefined,
      });

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} sm={4}>
        <TextField
          select
          fullWidth
          id="image-automation-owner"
          label="Owner"
          value={value.owner}
          onChange={pick('owner')}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
        >
          <option value="mine">Owned by me or my groups</option>
          <option value="all">All owners</option>
        </TextField>
      </Grid>
      <Grid item xs={12} sm={4}>
        <TextField
          select
          fullWidth
          id="image-automation-state"
          label="State"
          value={value.state ?? ''}
          onChange={pick('state')}
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
      <Grid item xs={12} sm={4}>
        <TextField
          select
          fullWidth
          id="image-automation-registry"
          label="Registry"
          value={value.registry ?? ''}
          onChange={pick('registry')}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
        >
          <option value="">Any registry</option>
          {registries.map(registry => (
            <option key={registry} value={registry}>
              {registry}
            </option>
          ))}
        </TextField>
      </Grid>
    </Grid>
  );
}
