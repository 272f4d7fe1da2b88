import { Fragment } from 'react';
import type { Segment } from './highlight';

/** Text runs as React text nodes, matches in `<mark>`: never parsed as HTML. */
export function Highlighted({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.match ? <mark key={i}>{s.text}</mark> : <Fragment key={i}>{s.text}</Fragment>,
      )}
    </>
  );
}
