// Public exports of virtual-server-events.
export { loadBinding, BindingUnavailableError } from './binding';
export type { NativeBinding } from './binding';
