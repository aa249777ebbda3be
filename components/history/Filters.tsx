import type { ActionKind } from '@/lib/actions/types';
import { ACTION_KINDS } from '@/lib/actions/types';
import { OUTCOMES, type Outcome } from '@/lib/db/outcome';
import { KIND_NAMES } from '../ActionDetails';
import type { HistoryModel, HistoryState } from './model';

export function Filters({ state, model }: { state: HistoryState; model: HistoryModel }) {
  const { filter, search, sites } = state;
  const day = (value: string, end: boolean) => (value ? new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`).getTime() : undefined);
  return (
    <form className="filters" role="search" aria-label="Filter the history" onSubmit={(e) => e.preventDefault()}>
      <input
        type="search"
        aria-label="Search the history"
        placeholder="Search: site, label, recipient, text"
        value={search}
        onChange={(e) => model.setSearch(e.target.value)}
      />
      <select aria-label="Site" value={filter.site ?? ''} onChange={(e) => model.setFilter({ site: e.target.value || undefined })}>
        <option value="">All sites</option>
        {sites.map((site) => (
          <option key={site} value={site}>
            {site}
          </option>
        ))}
      </select>
      <select
        aria-label="Kind"
        value={filter.kind ?? ''}
        onChange={(e) => model.setFilter({ kind: (e.target.value || undefined) as ActionKind | undefined })}
      >
        <option value="">All kinds</option>
        {ACTION_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {KIND_NAMES[kind]}
          </option>
        ))}
      </select>
      <select
        aria-label="Outcome"
        value={filter.outcome ?? ''}
        onChange={(e) => model.setFilter({ outcome: (e.target.value || undefined) as Outcome | undefined })}
      >
        <option value="">All outcomes</option>
        {OUTCOMES.map((outcome) => (
          <option key={outcome} value={outcome}>
            {outcome}
          </option>
        ))}
      </select>
      <label>
        From <input type="date" onChange={(e) => model.setFilter({ from: day(e.target.value, false) })} />
      </label>
      <label>
        To <input type="date" onChange={(e) => model.setFilter({ to: day(e.target.value, true) })} />
      </label>
    </form>
  );
}
