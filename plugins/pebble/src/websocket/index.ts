// RFC 6455 WebSocket over node:http upgrades (Unix or TCP sockets), used by the Pebble client and server.
export { WebSocket, type WebSocketOptions, type WebSocketEvents, type CloseInfo } from './connection.js';
export { acceptWebSocket, connectWebSocket, isWebSocketRequest, acceptKey, HandshakeError, type ConnectOptions } from './handshake.js';
export { CloseCode, Opcode, FrameDecoder, FrameError, encodeFrame, type Frame } from './frame.js';
