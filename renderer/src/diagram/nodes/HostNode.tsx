/** Hosts and logical parts without counters of their own: the frame says it all. */
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { NodeFrame, type MailNodeType } from './NodeFrame.js';

function HostNodeComponent({ id, data, selected }: NodeProps<MailNodeType>) {
  return <NodeFrame id={id} data={data} selected={selected} />;
}

export const HostNode = memo(HostNodeComponent);
