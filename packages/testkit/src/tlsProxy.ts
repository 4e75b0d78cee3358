import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Debian's nginx (`apt-get install nginx`); `.ci/run` installs it when missing. */
export const NGINX = '/usr/sbin/nginx'

export interface TlsProxy {
  /** `https://127.0.0.1:<port>`, served by nginx with a self-signed certificate. */
  url: string
  /** One GET through the proxy, trusting only the proxy's own certificate. */
  get(path: string, headers?: Record<string, string>): Promise<ProxiedResponse>
  /** Stops nginx and removes its folder. */
  stop(): void
}

export interface ProxiedResponse {
  status: number
  setCookie: string[]
  body: string
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * Starts the real nginx, unprivileged from a temporary prefix, terminating TLS on a free port of
 * 127.0.0.1 and passing requests as plain HTTP to `upstream` (`http://127.0.0.1:<port>`) with the
 * usual `X-Forwarded-Proto`, as a production deployment does. The certificate is made here with
 * `openssl req -x509` for 127.0.0.1.
 */
export async function startTlsProxy(upstream: string): Promise<TlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'cookietin-nginx-'))
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  )
  const port = await freePort()
  const conf = join(dir, 'nginx.conf')
  // As root, nginx would switch its workers to `nobody`, who cannot read this folder.
  const user = process.getuid?.() === 0 ? 'user root;' : ''
  writeFileSync(
    conf,
    `${user}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    location / {
      proxy_pass ${upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`,
  )
  execFileSync(NGINX, ['-c', conf, '-p', `${dir}/`], { stdio: 'pipe' })
  const ca = readFileSync(cert)
  const url = `https://127.0.0.1:${port}`
  return {
    url,
    get: (path, headers = {}) =>
      new Promise<ProxiedResponse>((resolve, reject) => {
        const req = request(`${url}${path}`, { ca, headers, agent: false }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              setCookie: res.headers['set-cookie'] ?? [],
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end()
      }),
    stop() {
      try {
        if (existsSync(join(dir, 'nginx.pid'))) {
          execFileSync(NGINX, ['-c', conf, '-p', `${dir}/`, '-s', 'stop'], { stdio: 'ignore' })
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
