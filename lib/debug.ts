// Tracing for NODE_DEBUG=virtual-server-events: connections, subscriptions and errors, never credentials.
import { debuglog } from 'util';

export const debug = debuglog('virtual-server-events');
