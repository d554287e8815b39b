// The RFC 6455 WebSocket used by the Pebble client and server; filled in by the websocket modules.
export {};
