/** The private redis-server used by tests (shared with bench/ and examples/, see tools/). */
export { RedisServer, type RedisServerOptions } from "../../tools/redis-server.js";
