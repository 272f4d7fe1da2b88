import * as Tooltip from '@radix-ui/react-tooltip';
import type { Reaction } from '@parley/shared';
import { joinNames } from '../lib/format';
import { t } from '../i18n';

interface ReactionsProps {
  reactions: readonly Reaction[];
  meId: string;
  nameOf: (userId: string) => string;
  onToggle: (emoji: string, on: boolean) => void;
}

/** Pills under a bubble: emoji and count, yours highlighted; a click toggles yours. */
export function Reactions({ reactions, meId, nameOf, onToggle }: ReactionsProps) {
  return (
    <div className="reactions" data-testid="reactions">
      {reactions.map((r) => {
        const mine = r.userIds.includes(meId);
        // You first, then the others in the order they reacted.
        const names = joinNames([
          ...(mine ? [t('messages.you')] : []),
          ...r.userIds.filter((id) => id !== meId).map(nameOf),
        ]);
        return (
          <Tooltip.Root key={r.emoji}>
            <Tooltip.Trigger asChild>
              <button
                type="button"
                className={`reaction${mine ? ' mine' : ''}`}
                aria-pressed={mine}
                aria-label={t('messages.reactionLabel', { emoji: r.emoji, count: r.userIds.length, names })}
                data-emoji={r.emoji}
                onClick={() => onToggle(r.emoji, !mine)}
              >
                <span className="reaction-emoji">{r.emoji}</span>
                <span className="reaction-count">{r.userIds.length}</span>
              </button>
            </Tooltip.Trigger>
            <Tooltip.Portal>
              <Tooltip.Content className="tooltip" side="top" sideOffset={6} data-testid="reaction-tooltip">
                {t('messages.reactedWith', { names, emoji: r.emoji })}
              </Tooltip.Content>
            </Tooltip.Portal>
          </Tooltip.Root>
        );
      })}
    </div>
  );
}
