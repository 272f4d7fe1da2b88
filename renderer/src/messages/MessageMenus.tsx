import { cloneElement, isValidElement, type MouseEvent, type ReactElement, type ReactNode } from 'react';
import * as ContextMenu from '@radix-ui/react-context-menu';
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import * as Popover from '@radix-ui/react-popover';
import { Copy, MoreHorizontal, Pencil, Plus, Reply, SmilePlus, Trash2 } from 'lucide-react';
import type { MessageView } from '@parley/shared';
import { IconButton } from '../components/IconButton';
import type { MessageActionHandlers, MessagePermissions } from './actions';
import { LazyBoundary } from '../components/Lazy';
import { EmojiPicker } from './lazy-emoji-picker';
import { QUICK_REACTIONS } from './emoji-data';
import { useHost } from '../store/hooks';
import { reportContextMessage } from '../desktop/native-message-menu';
import { t } from '../i18n';

export type PickerState = false | 'quick' | 'full';

interface MenuProps {
  message: MessageView;
  meId: string;
  can: MessagePermissions;
  actions: MessageActionHandlers;
}

const mineOf = (message: MessageView, meId: string, emoji: string) =>
  message.reactions?.some((r) => r.emoji === emoji && r.userIds.includes(meId)) ?? false;

/** The same commands for the "more" menu and the right-click menu (Radix gives each its own Item). */
function commands({ message, can, actions }: MenuProps) {
  const list: {
    id: 'reply' | 'edit' | 'copy' | 'delete';
    label: string;
    icon: ReactNode;
    run: () => void;
    danger?: boolean;
  }[] = [];
  if (can.reply)
    list.push({
      id: 'reply',
      label: t('messages.reply'),
      icon: <Reply size={16} />,
      run: () => actions.reply(message),
    });
  if (can.edit)
    list.push({
      id: 'edit',
      label: t('messages.edit'),
      icon: <Pencil size={16} />,
      run: () => actions.edit(message),
    });
  if (can.copy)
    list.push({
      id: 'copy',
      label: t('messages.copy'),
      icon: <Copy size={16} />,
      run: () => actions.copy(message),
    });
  if (can.remove)
    list.push({
      id: 'delete',
      label: t('messages.deleteCommand'),
      icon: <Trash2 size={16} />,
      run: () => actions.remove(message),
      danger: true,
    });
  return list;
}

interface ToolbarProps extends MenuProps {
  picker: PickerState;
  onPicker: (state: PickerState) => void;
  onMenuOpen: (open: boolean) => void;
}

/** The hover toolbar at the bubble's top corner: react, reply, more. */
export function MessageToolbar(props: ToolbarProps) {
  const { message, meId, can, actions, picker, onPicker, onMenuOpen } = props;
  const items = commands(props);
  const pick = (emoji: string) => {
    actions.react(message, emoji, !mineOf(message, meId, emoji));
    onPicker(false);
  };
  if (!can.react && !can.reply && items.length === 0) return null;
  return (
    <div className="msg-actions" role="toolbar" aria-label={t('messages.actions')}>
      {can.react && (
        <Popover.Root open={picker !== false} onOpenChange={(open) => onPicker(open ? 'quick' : false)}>
          <Popover.Trigger asChild>
            <IconButton label={t('messages.react')} tooltipSide="top">
              <SmilePlus size={17} />
            </IconButton>
          </Popover.Trigger>
          <Popover.Portal>
            <Popover.Content
              className={picker === 'full' ? 'popover emoji-popover' : 'popover quick-reactions'}
              side="top"
              align="end"
              sideOffset={6}
              collisionPadding={8}
              aria-label={picker === 'full' ? t('messages.chooseReaction') : t('messages.quickReactions')}
            >
              {picker === 'full' ? (
                <LazyBoundary label={t('composer.loadingEmoji')} inline>
                  <EmojiPicker onPick={pick} />
                </LazyBoundary>
              ) : (
                <div className="quick-row" role="group" aria-label={t('messages.quickReactions')}>
                  {QUICK_REACTIONS.map((emoji) => (
                    <button
                      key={emoji}
                      type="button"
                      className="quick-emoji"
                      aria-pressed={mineOf(message, meId, emoji)}
                      aria-label={t('messages.reactWith', { emoji })}
                      onClick={() => pick(emoji)}
                    >
                      {emoji}
                    </button>
                  ))}
                  <button
                    type="button"
                    className="quick-emoji more"
                    aria-label={t('messages.moreReactions')}
                    onClick={() => onPicker('full')}
                  >
                    <Plus size={18} />
                  </button>
                </div>
              )}
            </Popover.Content>
          </Popover.Portal>
        </Popover.Root>
      )}
      {can.reply && (
        <IconButton label={t('messages.reply')} tooltipSide="top" onClick={() => actions.reply(message)}>
          <Reply size={17} />
        </IconButton>
      )}
      {items.length > 0 && (
        <DropdownMenu.Root onOpenChange={onMenuOpen}>
          <DropdownMenu.Trigger asChild>
            <IconButton label={t('messages.moreActions')} tooltipSide="top">
              <MoreHorizontal size={17} />
            </IconButton>
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content
              className="menu"
              align="end"
              sideOffset={4}
              collisionPadding={8}
              // The chosen command places focus itself (the editor, the composer, a dialog).
              onCloseAutoFocus={(e) => e.preventDefault()}
            >
              {items.map((c) => (
                <DropdownMenu.Item
                  key={c.id}
                  className={`menu-item${c.danger ? ' danger' : ''}`}
                  onSelect={c.run}
                >
                  {c.icon}
                  {c.label}
                </DropdownMenu.Item>
              ))}
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      )}
    </div>
  );
}

interface ContextMenuProps extends MenuProps {
  children: ReactNode;
  onPicker: (state: PickerState) => void;
  onMenuOpen: (open: boolean) => void;
}

/**
 * Right-click (or Shift+F10 / the context-menu key on a focused message): reactions and
 * commands. In the desktop app they go into the native menu instead (native-message-menu.ts).
 */
export function MessageContextMenu(props: ContextMenuProps) {
  const { message, meId, can, actions, children, onPicker, onMenuOpen } = props;
  const desktop = useHost().desktop;
  const items = commands(props);
  if (desktop && isValidElement(children)) {
    const onContextMenu = (event: MouseEvent) => {
      // The bubble's own handler (if any) still runs; the native menu follows the event.
      (children.props as { onContextMenu?: (event: MouseEvent) => void }).onContextMenu?.(event);
      reportContextMessage(
        desktop,
        {
          messageId: message.id,
          actions: [...items.map((c) => c.id), ...(can.react ? (['more-reactions'] as const) : [])],
          reactions: can.react
            ? QUICK_REACTIONS.map((emoji) => ({ emoji, mine: mineOf(message, meId, emoji) }))
            : [],
          ...(can.copy ? { text: message.body } : {}),
        },
        (choice) => {
          if (choice.action === 'react' && choice.emoji)
            actions.react(message, choice.emoji, !mineOf(message, meId, choice.emoji));
          else if (choice.action === 'more-reactions') onPicker('full');
          else items.find((c) => c.id === choice.action)?.run();
        },
      );
    };
    return cloneElement(children as ReactElement<{ onContextMenu?: (event: MouseEvent) => void }>, {
      onContextMenu,
    });
  }
  if (!can.react && items.length === 0) return <>{children}</>;
  return (
    <ContextMenu.Root onOpenChange={onMenuOpen}>
      <ContextMenu.Trigger asChild>{children}</ContextMenu.Trigger>
      <ContextMenu.Portal>
        <ContextMenu.Content
          className="menu"
          collisionPadding={8}
          onCloseAutoFocus={(e) => e.preventDefault()}
        >
          {can.react && (
            <>
              <div className="menu-quick-row" role="group" aria-label={t('messages.quickReactions')}>
                {QUICK_REACTIONS.map((emoji) => (
                  <ContextMenu.Item
                    key={emoji}
                    className="quick-emoji"
                    aria-label={t('messages.reactWith', { emoji })}
                    onSelect={() => actions.react(message, emoji, !mineOf(message, meId, emoji))}
                  >
                    {emoji}
                  </ContextMenu.Item>
                ))}
              </div>
              <ContextMenu.Item className="menu-item" onSelect={() => onPicker('full')}>
                <SmilePlus size={16} />
                {t('messages.addReaction')}
              </ContextMenu.Item>
              {items.length > 0 && <ContextMenu.Separator className="menu-separator" />}
            </>
          )}
          {items.map((c) => (
            <ContextMenu.Item key={c.id} className={`menu-item${c.danger ? ' danger' : ''}`} onSelect={c.run}>
              {c.icon}
              {c.label}
            </ContextMenu.Item>
          ))}
        </ContextMenu.Content>
      </ContextMenu.Portal>
    </ContextMenu.Root>
  );
}
