import { FaultControl, type SandboxChaos, type SandboxFault, type SandboxPart, type SandboxRequest } from './http.js';
import { type MountedPart, serveSandbox } from './server.js';

export type { SandboxChaos, SandboxFault, SandboxPart, SandboxRequest } from './http.js';

/** One running sandbox's identity: a plug-in files the hooks of the part it built under it. */
export type SandboxKey = Readonly<{ sandbox: true }>;

/** A part configured and ready to mount: what `startSandbox` takes, made by a plug-in's `with`. */
export interface PartMount {
  /** The part's name, as in the adapter registry. */
  readonly name: string;
  /** Builds the part for one sandbox, keeping its hooks under that sandbox's key. */
  mount(key: SandboxKey, control: FaultControl, baseUrl: () => string, hostUrls: () => Readonly<Record<string, string>>): SandboxPart;
}

/** What reads a part's hooks back from a running sandbox: a plug-in. */
export interface PartAccessor<Hooks> {
  readonly name: string;
  hooksIn(key: SandboxKey): Hooks | undefined;
}

/**
 * What makes a part: from its options, its fault control, the sandbox's URL and the origins of
 * the outside hosts (both known once it listens).
 */
export type CreatePart<Options, Hooks> = (
  options: Options,
  control: FaultControl,
  baseUrl: () => string,
  hostUrls: () => Readonly<Record<string, string>>,
) => { part: SandboxPart; api: Hooks };

/**
 * One helpdesk or tool the sandbox can mount, and the typed accessor to its hooks (the calls
 * tests and local mode drive it with) in a sandbox that mounted it.
 *
 * @example
 * export const acmePart = new SandboxPlugin('acme', createAcmePart); // in infra/sandbox/acme/
 * const sandbox = await startSandbox({ parts: [acmePart.with({ apiKey })] });
 * sandbox.part(acmePart).createTicket({ subject: 'Help' }); // typed by createAcmePart's hooks
 */
export class SandboxPlugin<Options, Hooks> implements PartAccessor<Hooks> {
  readonly #hooks = new WeakMap<SandboxKey, Hooks>();

  constructor(
    readonly name: string,
    private readonly create: CreatePart<Options, Hooks>,
  ) {}

  /** The part with these options, to pass to `startSandbox`. */
  with(options: Options): PartMount {
    return {
      name: this.name,
      mount: (key, control, baseUrl, hostUrls) => {
        const { part, api } = this.create(options, control, baseUrl, hostUrls);
        if (part.name !== this.name) throw new Error(`sandbox: the ${this.name} plug-in built a part named ${part.name}`);
        this.#hooks.set(key, api);
        return part;
      },
    };
  }

  /** The hooks of the part it built for the sandbox of this key, if it built one. */
  hooksIn(key: SandboxKey): Hooks | undefined {
    return this.#hooks.get(key);
  }
}

/** The fault control and request log every part has, whichever helpdesk it is. */
export interface PartControl {
  /** Makes the next `count` matching requests fail with `status` (and headers, e.g. {'retry-after': '2'}). */
  failNext(fault: SandboxFault): void;
  /** Fails a random share of the API requests no queued fault claims, from now on; `undefined` stops it. */
  failRandomly(chaos: SandboxChaos | undefined): void;
  /** Every request received: method, path below the part's mount, status answered, time. */
  requests(): SandboxRequest[];
}

/** Where the sandbox listens and which parts it serves. */
export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The parts, each at its own mount; the first is the default one, whose tickets `/sandbox/tickets` shows. */
  parts: readonly PartMount[];
}

/** A running sandbox: its parts on one loopback port. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>`; the HTML page is `{baseUrl}/sandbox`. */
  readonly baseUrl: string;
  /** The names of its parts, in the order given. */
  readonly parts: readonly string[];
  /**
   * The outside hosts its parts answer as (Mastodon servers, Bluesky handle domains), each at its
   * own loopback origin: `{ 'social.example': 'http://127.0.0.1:<port>' }`. Also served as JSON at
   * `{baseUrl}/sandbox/hosts`, for another process.
   */
  readonly hosts: Readonly<Record<string, string>>;
  /** The hooks of the plug-in's part; throws naming the parts there are when it has none. */
  part<Hooks>(plugin: PartAccessor<Hooks>): Hooks;
  /** The fault control and request log of the part of this name; throws when there is none. */
  control(name: string): PartControl;
  close(): Promise<void>;
}

/**
 * Starts the sandbox server on 127.0.0.1 with the parts given, each mounted where it says (at
 * the root, or under `/<name>`), and answers it with a typed accessor to each part's hooks.
 *
 * @example
 * const sandbox = await startSandbox({ parts: [acmePart.with({ apiKey }), otherPart.with({ signingSecret })] });
 * sandbox.part(acmePart).createTicket({ subject: 'Help' });
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  if (options.parts.length === 0) throw new Error('sandbox: give at least one part');
  const key: SandboxKey = Object.freeze({ sandbox: true });
  let baseUrl = '';
  let hosts: Readonly<Record<string, string>> = {};
  // The parts build their URLs (ticket `url` fields, `api.baseUrl`) after the port is known.
  const currentBaseUrl = (): string => baseUrl;
  const currentHosts = (): Readonly<Record<string, string>> => hosts;
  const mounted: MountedPart[] = options.parts.map((mount) => {
    const control = new FaultControl();
    return { part: mount.mount(key, control, currentBaseUrl, currentHosts), control };
  });
  const names = mounted.map(({ part }) => part.name);
  const server = await serveSandbox(mounted, options.port ?? 0);
  baseUrl = server.baseUrl;
  hosts = server.hosts;
  return {
    baseUrl,
    parts: names,
    hosts: server.hosts,
    part: (plugin) => {
      const hooks = plugin.hooksIn(key);
      if (hooks === undefined) throw new Error(`sandbox at ${baseUrl}: no ${plugin.name} part (it has ${names.join(', ')})`);
      return hooks;
    },
    control: (name) => {
      const control = mounted.find(({ part }) => part.name === name)?.control;
      if (!control) throw new Error(`sandbox at ${baseUrl}: no ${name} part (it has ${names.join(', ')})`);
      return {
        failNext: (fault) => control.add(fault),
        failRandomly: (chaos) => control.setChaos(chaos),
        requests: () => control.requests(),
      };
    },
    close: () => server.close(),
  };
}
