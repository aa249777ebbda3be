import { useCallback } from 'react';
import type { Settings } from '@/lib/db/schema';
import { request } from '@/lib/messaging/client';
import { t } from './i18n';
import { NumberSetting } from './NumberSetting';
import { PageText } from './PageText';
import { useBroker } from './useBroker';

/**
 * The agent's side (`countersign mcp`): the confidence below which its actions ask even under a
 * rule, what it declared, and what it sent on its channel that was refused.
 */
export function AgentSettings({ settings, save }: { settings: Settings; save: (change: Partial<Settings>) => Promise<void> }) {
  const load = useCallback(() => request({ type: 'agent-state' }), []);
  const { data: agent } = useBroker(load);
  return (
    <fieldset className="agent">
      <legend>{t('agent.legend')}</legend>
      <NumberSetting
        label={t('agent.threshold')}
        value={Math.round(settings.confidenceThreshold * 100)}
        onSave={(percent) => save({ confidenceThreshold: percent / 100 })}
      />
      {agent?.task && (
        <p className="task">
          <strong>{t('details.task')}</strong> <PageText text={agent.task.task} />
        </p>
      )}
      {agent?.confidence && (
        <p className="confidence">
          {t('agent.confidence', { percent: Math.round(agent.confidence.value * 100) })} <PageText text={agent.confidence.about} />
        </p>
      )}
      {agent?.refusals.length ? (
        <div className="refusals" role="note">
          <p>{t('agent.refusals')}</p>
          <ul>
            {agent.refusals
              .slice()
              .reverse()
              .map((refusal, index) => (
                <li key={index}>
                  {new Date(refusal.at).toLocaleString()}: <PageText text={refusal.error} />
                </li>
              ))}
          </ul>
        </div>
      ) : null}
    </fieldset>
  );
}
