/** A message store: how many messages it has stored since the trace began. */
import type { NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { useAppState } from '../../app/services.js';
import { nodeSelectors } from '../../state/selectors.js';
import { NodeFrame, type MailNodeType } from './NodeFrame.js';

function StoreNodeComponent({ id, data, selected }: NodeProps<MailNodeType>) {
  const live = useAppState(useMemo(() => nodeSelectors.live(id), [id]));
  return (
    <NodeFrame id={id} data={data} selected={selected}>
      <span className="stat" title="messages stored since the trace began">
        ✉ <span data-testid="stored-count">{live?.storedCount ?? 0}</span> stored
      </span>
    </NodeFrame>
  );
}

export const StoreNode = memo(StoreNodeComponent);
