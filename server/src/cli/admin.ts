import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  AUDIT_DEFAULT_LIMIT,
  PASSWORD_MAX,
  PASSWORD_MIN,
  auditQuerySchema,
  usernameSchema,
  type AuditAction,
  type ServerRole,
} from '@parley/shared';
import { newInviteCode, inviteUrl } from '../accounts/invites.js';
import { hashPassword } from '../auth/passwords.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { AppError } from '../errors.js';
import { openRepository } from '../storage/database.js';
import type { Repository } from '../storage/repository.js';

const USAGE = `Usage: parley-server admin <command> [options] [--data-dir DIR | --database-url URL ...]

Commands:
  create-user <username> [--display-name NAME] [--password PW] [--admin]
  reset-password <username> [--password PW]   (signs the user out everywhere)
  deactivate <username>                       (signs out, shown as "Deleted user"; messages stay)
  promote <username> [--demote]               (make or unmake a server admin)
  list [query]                                (every account, with role and state)
  invite [--max-uses N] [--expires-in-hours H]
  new-epoch                                   (after restoring a database: clients drop their caches)
  audit [--limit N] [--before ID]             (the audit log, newest first; ${AUDIT_DEFAULT_LIMIT} by default)

Without --password a random one is generated and printed. The server's own settings
(environment or flags) pick the data: DATA_DIR for SQLite, DATABASE_URL for PostgreSQL.
The server may be running or stopped.
`;

/** Options of the admin commands themselves; every other flag is a server setting. */
const OWN_OPTIONS = {
  password: { type: 'string' },
  'display-name': { type: 'string' },
  admin: { type: 'boolean' },
  demote: { type: 'boolean' },
  'max-uses': { type: 'string' },
  'expires-in-hours': { type: 'string' },
  limit: { type: 'string' },
  before: { type: 'string' },
  help: { type: 'boolean' },
} as const;

class UsageError extends Error {}

interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Splits argv into the command's own options and positionals, and the server's settings. */
function splitArgs(argv: string[]) {
  const own: string[] = [];
  const server: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : undefined;
    if (name === undefined || name in OWN_OPTIONS) {
      own.push(arg);
      const takesValue =
        name !== undefined && OWN_OPTIONS[name as keyof typeof OWN_OPTIONS].type === 'string';
      if (takesValue && !arg.includes('=') && i + 1 < argv.length) own.push(argv[++i]!);
    } else {
      server.push(arg);
      if (!arg.includes('=') && i + 1 < argv.length) server.push(argv[++i]!);
    }
  }
  const parsed = parseArgs({ args: own, options: OWN_OPTIONS, allowPositionals: true, strict: true });
  return { values: parsed.values, positionals: parsed.positionals, server };
}

const username = (value: string | undefined) => {
  const parsed = usernameSchema.safeParse(value ?? '');
  if (!parsed.success) throw new UsageError('a username (3 to 32 characters of a-z 0-9 _ . -) is needed');
  return parsed.data;
};

function password(value: string | undefined): { password: string; generated: boolean } {
  if (value === undefined) return { password: randomBytes(12).toString('base64url'), generated: true };
  if (value.length < PASSWORD_MIN || value.length > PASSWORD_MAX) {
    throw new UsageError(`a password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
  }
  return { password: value, generated: false };
}

function positiveNumber(value: string | undefined, what: string, integer: boolean): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${what} must be a positive ${integer ? 'whole ' : ''}number`);
  }
  return n;
}

async function userIdOf(repo: Repository, name: string): Promise<string> {
  const id = await repo.findUserId(name);
  if (!id) throw new AppError('not_found', `No user named ${name}`);
  return id;
}

/** What the CLI changes goes into the audit log too, with no actor and `via: "cli"`. */
function audit(
  repo: Repository,
  action: AuditAction,
  targetId: string | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  return repo.appendAudit({
    at: new Date().toISOString(),
    action,
    actorId: null,
    targetId,
    ip: null,
    details: { via: 'cli', ...details },
  });
}

async function run(
  command: string,
  args: ReturnType<typeof splitArgs>,
  repo: Repository,
  config: Config,
  io: Io,
) {
  const { values, positionals } = args;
  const now = new Date().toISOString();
  switch (command) {
    case 'create-user': {
      const name = username(positionals[0]);
      const pw = password(values.password);
      const role: ServerRole = values.admin ? 'admin' : 'user';
      const user = await repo.createUser({
        username: name,
        displayName: values['display-name']?.trim() || name,
        passwordHash: await hashPassword(pw.password, config.scryptLogN),
        serverRole: role,
      });
      const stored = await repo.getAccount(user.id);
      await audit(repo, 'admin.user_created', user.id, {
        username: user.username,
        role: stored?.role ?? role,
      });
      io.out(`created ${user.username} (${stored?.role ?? role}), id ${user.id}`);
      if (pw.generated) io.out(`password: ${pw.password}`);
      return;
    }
    case 'reset-password': {
      const name = username(positionals[0]);
      const pw = password(values.password);
      const id = await userIdOf(repo, name);
      const revoked = await repo.setPassword(id, await hashPassword(pw.password, config.scryptLogN), now);
      if (!revoked) throw new AppError('not_found', `${name} is deactivated`);
      await audit(repo, 'admin.password_reset', id, { sessionsRevoked: revoked.length });
      io.out(`password of ${name} reset; ${revoked.length} session(s) signed out`);
      if (pw.generated) io.out(`password: ${pw.password}`);
      return;
    }
    case 'deactivate': {
      const name = username(positionals[0]);
      const id = await userIdOf(repo, name);
      const result = await repo.deactivateUser(id, now);
      await audit(repo, 'admin.deactivated', id);
      io.out(`deactivated ${name}; ${result?.sessionIds.length ?? 0} session(s) signed out`);
      return;
    }
    case 'promote': {
      const name = username(positionals[0]);
      const role: ServerRole = values.demote ? 'user' : 'admin';
      const id = await userIdOf(repo, name);
      if (!(await repo.setServerRole(id, role))) throw new AppError('not_found', `${name} is deactivated`);
      await audit(repo, 'admin.role_changed', id, { role });
      io.out(`${name} is now ${role === 'admin' ? 'a server admin' : 'a regular user'}`);
      return;
    }
    case 'list': {
      const users = await repo.listUsersForAdmin(positionals[0] ?? '', 10_000);
      for (const u of users) {
        const state = u.deactivated ? 'deactivated' : 'active';
        io.out(
          [u.username, u.role, state, `created ${u.createdAt}`, `last seen ${u.lastSeenAt ?? 'never'}`].join(
            '\t',
          ),
        );
      }
      if (users.length === 0) io.out('no users');
      return;
    }
    case 'invite': {
      const maxUses = positiveNumber(values['max-uses'], '--max-uses', true);
      const hours = positiveNumber(values['expires-in-hours'], '--expires-in-hours', false);
      const invite = await repo.createInvite({
        code: newInviteCode(),
        createdBy: null,
        createdAt: now,
        expiresAt: hours ? new Date(Date.now() + hours * 3_600_000).toISOString() : null,
        maxUses,
      });
      await audit(repo, 'invite.created', null, {
        code: invite.code,
        maxUses: invite.maxUses,
        expiresAt: invite.expiresAt,
      });
      io.out(`invite code: ${invite.code}`);
      io.out(`link: ${inviteUrl(config.publicUrl ?? '<your server>', invite.code)}`);
      io.out(`uses: ${maxUses ?? 'unlimited'}, expires: ${invite.expiresAt ?? 'never'}`);
      return;
    }
    case 'new-epoch': {
      const epoch = await repo.newEpoch();
      await audit(repo, 'server.new_epoch', null, { epoch });
      io.out(`new epoch ${epoch}; restart the server(s) to announce it`);
      return;
    }
    case 'audit': {
      const query = auditQuerySchema.safeParse({ limit: values.limit, before: values.before });
      if (!query.success) throw new UsageError('--limit and --before take positive whole numbers');
      const { entries, more } = await repo.listAudit(query.data);
      // One tab-separated line per entry: id, time, action, actor, target, address, details.
      for (const e of entries) {
        io.out(
          [
            e.id,
            e.at,
            e.action,
            e.actorId ?? '-',
            e.targetId ?? '-',
            e.ip ?? '-',
            JSON.stringify(e.details),
          ].join('\t'),
        );
      }
      if (entries.length === 0) io.out('no audit entries');
      else if (more) io.out(`older entries: --before ${entries[entries.length - 1]!.id}`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/**
 * `parley-server admin ...`: account tasks on the configured database, for the shell.
 * Resolves to the exit status: 0 done, 1 refused (no such user, name taken), 2 bad usage.
 */
export async function runAdminCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') },
): Promise<number> {
  const [command, ...rest] = argv;
  let args: ReturnType<typeof splitArgs>;
  let config: Config;
  try {
    if (!command || command === '--help' || command === 'help') {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    args = splitArgs(rest);
    if (args.values.help) {
      io.out(USAGE);
      return 0;
    }
    config = loadConfig(env, args.server);
  } catch (err) {
    io.err(`parley-server admin: ${(err as Error).message}`);
    if (!(err instanceof ConfigError)) io.err(USAGE);
    return 2;
  }
  let repo: Repository;
  try {
    repo = await openRepository(config);
  } catch (err) {
    io.err(`parley-server admin: cannot open the database: ${(err as Error).message}`);
    return 1;
  }
  try {
    await run(command, args, repo, config, io);
    return 0;
  } catch (err) {
    io.err(`parley-server admin: ${(err as Error).message}`);
    if (err instanceof UsageError) {
      io.err(USAGE);
      return 2;
    }
    return 1;
  } finally {
    await repo.close();
  }
}
