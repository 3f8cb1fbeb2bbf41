/**
 * A list that renders only the rows in view (fixed row height), so 10,000 rows cost
 * what 30 do. It sticks to the bottom while the user is there, like a log.
 */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface WindowedListProps<T> {
  items: readonly T[];
  rowHeight: number;
  overscan?: number;
  renderRow(item: T, index: number): ReactNode;
  className?: string;
}

export function WindowedList<T>({ items, rowHeight, overscan = 8, renderRow, className }: WindowedListProps<T>) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  const stick = useRef(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => setView((v) => ({ ...v, height: el.clientHeight })));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // New rows: follow them if the user was at the bottom.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [items]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
    setView({ top: el.scrollTop, height: el.clientHeight });
  };

  const first = Math.max(0, Math.floor(view.top / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(renderRow(items[i]!, i));
  return (
    <div ref={box} className={`windowed ${className ?? ''}`} onScroll={onScroll}>
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>
        <div style={{ position: 'absolute', top: first * rowHeight, left: 0, right: 0 }}>{rows}</div>
      </div>
    </div>
  );
}
