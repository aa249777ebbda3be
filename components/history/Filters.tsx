import { ACTION_KINDS, type ActionKind } from '@/lib/actions/types';
import { OUTCOMES, type Outcome } from '@/lib/db/outcome';
import { kindName, t } from '../i18n';
import { outcomeName } from './HistoryDetail';
import type { HistoryModel, HistoryState } from './model';

export function Filters({ state, model }: { state: HistoryState; model: HistoryModel }) {
  const { filter, search, sites } = state;
  const day = (value: string, end: boolean) => (value ? new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`).getTime() : undefined);
  return (
    <form className="filters" role="search" aria-label={t('history.filters')} onSubmit={(e) => e.preventDefault()}>
      <input
        type="search"
        aria-label={t('history.search')}
        placeholder={t('history.searchPlaceholder')}
        value={search}
        onChange={(e) => model.setSearch(e.target.value)}
      />
      <Choice label={t('history.site')} all={t('history.allSites')} options={sites} value={filter.site} onChange={(site) => model.setFilter({ site })} />
      <Choice<ActionKind>
        label={t('history.kind')}
        all={t('history.allKinds')}
        options={ACTION_KINDS}
        name={kindName}
        value={filter.kind}
        onChange={(kind) => model.setFilter({ kind })}
      />
      <Choice<Outcome>
        label={t('history.outcome')}
        all={t('history.allOutcomes')}
        options={OUTCOMES}
        name={outcomeName}
        value={filter.outcome}
        onChange={(outcome) => model.setFilter({ outcome })}
      />
      <label>
        {t('history.from')} <input type="date" onChange={(e) => model.setFilter({ from: day(e.target.value, false) })} />
      </label>
      <label>
        {t('history.to')} <input type="date" onChange={(e) => model.setFilter({ to: day(e.target.value, true) })} />
      </label>
    </form>
  );
}

/** A filter select whose empty choice ("All …") clears the filter. */
function Choice<T extends string>(props: {
  label: string;
  all: string;
  options: readonly T[];
  name?: (option: T) => string;
  value: T | undefined;
  onChange: (value: T | undefined) => void;
}) {
  const { label, all, options, name = (option) => option, value, onChange } = props;
  return (
    <select aria-label={label} value={value ?? ''} onChange={(e) => onChange((e.target.value || undefined) as T | undefined)}>
      <option value="">{all}</option>
      {options.map((option) => (
        <option key={option} value={option}>
          {name(option)}
        </option>
      ))}
    </select>
  );
}
