import { X } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { dismissToast, useToasts } from '../lib/toast';

export function Toaster() {
  const { t } = useTranslation();
  const toasts = useToasts();
  return (
    <div className="toaster" role="region" aria-label={t('toasts.label')} aria-live="assertive">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast tone-${toast.tone}`} role="alert">
          <span>{toast.text}</span>
          <button
            type="button"
            className="toast-close"
            aria-label={t('toasts.dismiss')}
            onClick={() => dismissToast(toast.id)}
          >
            <X size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
