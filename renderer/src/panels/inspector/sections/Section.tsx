/** A collapsible block of the inspector (a <details>, so it folds without any state of ours). */
import type { ReactNode } from 'react';

export function Section({
  title,
  testId,
  open = true,
  children,
}: {
  title: ReactNode;
  testId?: string;
  open?: boolean;
  children: ReactNode;
}) {
  return (
    <details className="ins-section" open={open} data-testid={testId}>
      <summary className="ins-section__title">{title}</summary>
      <div className="ins-section__body">{children}</div>
    </details>
  );
}

/** A host name that is a node of the diagram: clicking it selects that node. */
export function NodeLink({ host, known, onPick }: { host: string; known: boolean; onPick(host: string): void }) {
  if (!known) return <code>{host}</code>;
  return (
    <button type="button" className="link-button" title="select this node on the diagram" onClick={() => onPick(host)}>
      {host}
    </button>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="panel-empty">{children}</p>;
}
