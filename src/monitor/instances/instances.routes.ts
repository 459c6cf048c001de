import type { HttpServer } from '../../platform/http/create-server.js';
import type { Monitor } from '../monitor.module.js';

// Placeholder: being written in this session.
export async function instancesRoutes(_app: HttpServer, _monitor: Monitor): Promise<void> {}
