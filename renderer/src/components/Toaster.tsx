import { X } from 'lucide-react';
import { dismissToast, useToasts } from '../lib/toast';

export function Toaster() {
  const toasts = useToasts();
  return (
    <div className="toaster" role="region" aria-label="Notifications" aria-live="assertive">
      {toasts.map((t) => (
        <div key={t.id} className={`toast tone-${t.tone}`} role="alert">
          <span>{t.text}</span>
          <button
            type="button"
            className="toast-close"
            aria-label="Dismiss"
            onClick={() => dismissToast(t.id)}
          >
            <X size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
