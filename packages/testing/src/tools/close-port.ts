import { portCommand } from './port-command.js';

export const tool = portCommand('close-port', 'Register a request to close a port or port range.');
