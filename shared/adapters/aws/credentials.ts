/** The keys a request is signed with. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary credentials (a Lambda function's role, an assumed role, SSO). */
  sessionToken?: string;
}

/** Returns the credentials to sign the next request with; called per request, so it may cache or refresh. */
export type CredentialProvider = () => Promise<AwsCredentials>;

/**
 * The credentials in the environment, as Lambda gives a function its role's: `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`. Read on each call, so they are the runtime's current ones.
 *
 * @example const credentials = environmentCredentials(process.env);
 */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): CredentialProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda sets them for the function role)');
    }
    return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  };
}

/**
 * Fixed credentials, for DynamoDB Local and other emulators that accept any key (DynamoDB Local
 * accepts only letters and digits in the access key id).
 *
 * @example staticCredentials({ accessKeyId: 'local', secretAccessKey: 'local' })
 */
export function staticCredentials(credentials: AwsCredentials): CredentialProvider {
  return async () => credentials;
}
