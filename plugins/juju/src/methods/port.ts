import * as v from 'valibot';
import { defineMethod } from '@lucky/core';
import { closePort, openPort, openedPorts } from '../tools/network.js';

/** Juju's port syntax: `80`, `80/udp`, `8000-9000/tcp`, `icmp`. */
const PortSpec = v.pipe(
  v.string(),
  v.regex(/^(icmp|\d{1,5}(-\d{1,5})?(\/(tcp|udp))?)$/, 'expected a port like 80, 80/udp, 8000-9000/tcp or icmp'),
  v.check(
    (text) =>
      text === 'icmp' ||
      text
        .split('/')[0]!
        .split('-')
        .every((n) => Number(n) >= 1 && Number(n) <= 65535),
    'port numbers run from 1 to 65535',
  ),
);

/** `port.*` (CL-12…CL-14): the unit's firewall ports through `open-port`/`close-port`. */
export const portMethods = {
  'port.open': defineMethod({
    container: true,
    params: v.object({ port: PortSpec }),
    result: v.object({}),
    handler: async ({ port }, ctx) => {
      await openPort(ctx.hook().env, port);
      return {};
    },
  }),
  'port.close': defineMethod({
    container: true,
    params: v.object({ port: PortSpec }),
    result: v.object({}),
    handler: async ({ port }, ctx) => {
      await closePort(ctx.hook().env, port);
      return {};
    },
  }),
  'port.close-all': defineMethod({
    container: true,
    params: v.object({}),
    result: v.object({ closed: v.array(v.string()) }),
    handler: async (_params, ctx) => {
      const env = ctx.hook().env;
      const ports = await openedPorts(env);
      for (const port of ports) await closePort(env, port);
      return { closed: ports };
    },
  }),
  'port.list': defineMethod({
    container: true,
    params: v.object({}),
    result: v.object({ ports: v.array(v.string()) }),
    handler: async (_params, ctx) => ({ ports: await openedPorts(ctx.hook().env) }),
  }),
};
