import type { FastifyReply, FastifyRequest } from 'fastify';
import { monitorPrincipalOf } from '../../monitor/auth/request-principal.js';
import type { HttpServer } from '../../platform/http/create-server.js';
import { ingestErrors } from '../ingest/ingest-errors.js';
import type { Writer } from '../ingest/ingest.service.js';
import type { Metrics } from '../metrics.module.js';
import { negotiate, UnsupportedMediaType, type RemoteWriteVersion } from '../remote-write/content.js';
import { decodeWriteRequestProto, RemoteWriteDecodeError, type WriteRequest } from '../remote-write/decode.js';
import { uncompressBody } from '../remote-write/snappy-body.js';

const tags = ['Metrics'];
const security: Record<string, string[]>[] = [{ monitorToken: [] }, { iamToken: [] }];

/** The team a request writes for, from its Monitor principal. */
function writerOf(request: FastifyRequest): Writer {
  const principal = monitorPrincipalOf(request);
  return {
    tenant: principal.instance.guid,
    readOnly: principal.teamRole === 'ROLE_TEAM_READ',
    scope: principal.team.scope,
  };
}

function versionOf(request: FastifyRequest): RemoteWriteVersion {
  try {
    return negotiate(request.headers['content-type'], request.headers['content-encoding'] as string | undefined);
  } catch (error) {
    if (error instanceof UnsupportedMediaType) throw ingestErrors.unsupportedMediaType(error.message);
    throw error;
  }
}

function decode(body: unknown, version: RemoteWriteVersion): WriteRequest {
  if (!Buffer.isBuffer(body) || body.length === 0) throw ingestErrors.badBody('the request has no body');
  try {
    return decodeWriteRequestProto(uncompressBody(body), version);
  } catch (error) {
    if (error instanceof RemoteWriteDecodeError) throw ingestErrors.badBody(error.message);
    throw error;
  }
}

/**
 * Prometheus remote-write, at IBM Cloud Monitoring's path and at Prometheus's: 1.0 and 2.0 by Content-Type, the body
 * taken raw (any media type reaches the handler, which answers 415 for what it does not decode), 204 once the samples
 * are in the write-ahead log, with 2.0's written-counts headers.
 */
export async function remoteWriteRoutes(app: HttpServer, metrics: Metrics): Promise<void> {
  // Every body reaches the handler as bytes, whatever it claims to be (JSON included): negotiate() decides.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: metrics.maxBodyBytes }, (_request, body, done) =>
    done(null, body),
  );
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const writer = writerOf(request);
    const version = versionOf(request);
    const decoded = decode(request.body, version);
    const written = metrics.ingest.write(writer, decoded, version);
    if (version === 2) {
      reply.header('x-prometheus-remote-write-samples-written', String(written.samples));
      reply.header('x-prometheus-remote-write-histograms-written', String(written.histograms));
      reply.header('x-prometheus-remote-write-exemplars-written', String(written.exemplars));
    }
    return reply.status(204).send();
  };
  for (const url of ['/prometheus/remote/write', '/api/v1/write']) {
    app.post(
      url,
      {
        bodyLimit: metrics.maxBodyBytes,
        schema: {
          tags,
          security,
          summary: 'Prometheus remote-write (1.0 and 2.0) into the instance',
          description:
            'Authenticate with a Monitor API token (remote_write authorization.credentials), or an IAM token with ' +
            'IBMInstanceID (and SysdigTeamID). Snappy-compressed protobuf; 204 once written to the write-ahead log; ' +
            '400 with a readable message when samples are refused; 429 with Retry-After over the instance limits.',
        },
      },
      handler,
    );
  }
}
