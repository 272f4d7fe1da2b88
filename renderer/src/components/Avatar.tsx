import { useContext, type CSSProperties } from 'react';
import { Users } from 'lucide-react';
import { avatarColor } from '../lib/colors';
import { initials } from '../lib/format';
import { useAvatarImage } from '../lib/avatar-images';
import { ParleyContext } from '../store/hooks';

interface AvatarProps {
  id: string;
  name: string;
  size?: number;
  /** Omit for no dot; true/false for online/offline. */
  online?: boolean;
  group?: boolean;
  /** The user's (or, with `group`, the group's) `avatarId`: its picture replaces the initials. */
  picture?: string | null;
}

/**
 * A picture when there is one, else initials on a colour derived from the id, with an
 * optional presence dot. Decorative to screen readers.
 */
export function Avatar({ id, name, size = 40, online, group, picture }: AvatarProps) {
  // Optional: avatars also render outside the provider (tests, isolated roots).
  const host = useContext(ParleyContext)?.host;
  const url = useAvatarImage(host!, group ? 'conversation' : 'user', id, host ? picture : null);
  const style = {
    '--avatar-bg': avatarColor(id),
    '--avatar-size': `${size}px`,
  } as CSSProperties;
  return (
    // Initials are drawn by CSS (`data-initials`), not as text: an avatar inside a labelled
    // control would otherwise add "AM" to the control's visible text (WCAG 2.5.3, label in name).
    <span
      className={url ? 'avatar has-picture' : 'avatar'}
      style={style}
      aria-hidden="true"
      data-initials={url || group ? undefined : initials(name)}
    >
      {url ? (
        <img className="avatar-picture" src={url} alt="" draggable={false} />
      ) : (
        group && <Users size={Math.round(size * 0.45)} strokeWidth={2.2} />
      )}
      {online !== undefined && <span className={online ? 'presence-dot online' : 'presence-dot'} />}
    </span>
  );
}
