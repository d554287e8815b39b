// The Pebble-compatible server's public API; filled in by the server modules.
export {};
