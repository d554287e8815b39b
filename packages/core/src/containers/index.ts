export { ContainerDefinitionSchema, PortBindingSchema, DEFAULT_CONTAINER, containerLabel, type ContainerDefinition, type PortBinding } from './schema.js';
export { DEFAULT_PULL_POLICY, PULL_POLICIES, pullPolicyOf, type PullPolicy } from './schema.js';
export type { ContainerRuntime, OutputSink } from './runtime.js';
export { checkImageReference, checkNetwork, checkVolume, formatPortBinding, parsePortBinding } from './parse.js';
export { containerSteps } from './steps.js';
