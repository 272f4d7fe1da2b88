/** The Parley mark: a speech bubble with three dots on the accent colour. */
export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="9" fill="var(--accent)" />
      <path
        d="M16 7.5c-5.25 0-9.5 3.55-9.5 7.93 0 2.3 1.17 4.37 3.05 5.82-.17 1.45-.8 2.77-1.8 3.75 2.12.05 4.08-.63 5.5-1.78.88.18 1.8.27 2.75.27 5.25 0 9.5-3.55 9.5-7.93S21.25 7.5 16 7.5z"
        fill="var(--on-accent)"
      />
      <circle cx="11.75" cy="15.5" r="1.5" fill="var(--accent)" />
      <circle cx="16" cy="15.5" r="1.5" fill="var(--accent)" />
      <circle cx="20.25" cy="15.5" r="1.5" fill="var(--accent)" />
    </svg>
  );
}
