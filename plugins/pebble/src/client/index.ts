// The Pebble client's public API; filled in by the client modules.
export {};
