import type { CSSProperties } from 'react';
import { Users } from 'lucide-react';
import { avatarColor } from '../lib/colors';
import { initials } from '../lib/format';

interface AvatarProps {
  id: string;
  name: string;
  size?: number;
  /** Omit for no dot; true/false for online/offline. */
  online?: boolean;
  group?: boolean;
}

/** Initials on a colour derived from the id, with an optional presence dot. Decorative to screen readers. */
export function Avatar({ id, name, size = 40, online, group }: AvatarProps) {
  const style = {
    '--avatar-bg': avatarColor(id),
    '--avatar-size': `${size}px`,
  } as CSSProperties;
  return (
    // Initials are drawn by CSS (`data-initials`), not as text: an avatar inside a labelled
    // control would otherwise add "AM" to the control's visible text (WCAG 2.5.3, label in name).
    <span
      className="avatar"
      style={style}
      aria-hidden="true"
      data-initials={group ? undefined : initials(name)}
    >
      {group && <Users size={Math.round(size * 0.45)} strokeWidth={2.2} />}
      {online !== undefined && <span className={online ? 'presence-dot online' : 'presence-dot'} />}
    </span>
  );
}
