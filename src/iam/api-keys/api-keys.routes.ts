import type { HttpServer } from '../../platform/http/create-server.js';
import type { Iam } from '../iam.module.js';

// Placeholder: being written in this session.
export async function apiKeysRoutes(_app: HttpServer, _iam: Iam): Promise<void> {}
