/** Where and how to reach an MLflow tracking server. */
export interface MlflowConnection {
  /** `http(s)://host[:port][/prefix]`, without credentials or trailing slash. */
  readonly baseUrl: string;
  /** Value of the Authorization header, if any; never log it. */
  readonly authorization?: string;
}

/** The MLflow environment variables that newsrec-lab reads. */
export interface MlflowEnvironment {
  readonly MLFLOW_TRACKING_URI?: string;
  readonly MLFLOW_TRACKING_TOKEN?: string;
  readonly MLFLOW_TRACKING_USERNAME?: string;
  readonly MLFLOW_TRACKING_PASSWORD?: string;
}

/**
 * Resolves the tracking server from an explicit URI or MLFLOW_TRACKING_URI and
 * the credentials from MLFLOW_TRACKING_TOKEN (bearer token) or
 * MLFLOW_TRACKING_USERNAME/PASSWORD (basic auth), as the MLflow Python client
 * does. User and password written into the URI are used for basic auth and
 * removed from `baseUrl`. Returns undefined when no URI is set.
 * Throws for URIs that are not http or https (file stores, `databricks`),
 * because newsrec-lab only speaks the REST API.
 */
export function resolveMlflowConnection(
  trackingUri: string | undefined,
  environment: MlflowEnvironment = process.env,
): MlflowConnection | undefined {
  const uri = trackingUri ?? environment.MLFLOW_TRACKING_URI;
  if (uri === undefined || uri.trim() === '') return undefined;

  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch {
    throw new Error(`invalid MLflow tracking URI '${redactUri(uri)}': expected http://host:port or https://host`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `unsupported MLflow tracking URI '${redactUri(uri)}': newsrec-lab talks to an MLflow server over HTTP; ` +
        'start one with `mlflow server` and use its http:// address',
    );
  }

  let authorization: string | undefined;
  if (environment.MLFLOW_TRACKING_TOKEN) {
    authorization = `Bearer ${environment.MLFLOW_TRACKING_TOKEN}`;
  } else if (environment.MLFLOW_TRACKING_USERNAME || environment.MLFLOW_TRACKING_PASSWORD) {
    authorization = basic(environment.MLFLOW_TRACKING_USERNAME ?? '', environment.MLFLOW_TRACKING_PASSWORD ?? '');
  } else if (url.username !== '' || url.password !== '') {
    authorization = basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const baseUrl = url.toString().replace(/\/+$/, '');
  return authorization === undefined ? { baseUrl } : { baseUrl, authorization };
}

/** The URI with any user and password replaced by `***`, for messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^/@]*@/, '//***@');
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
