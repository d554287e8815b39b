import { portCommand } from './port-command.js';

export const tool = portCommand('open-port', 'Register a request to open a port or port range.');
