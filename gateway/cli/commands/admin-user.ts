import { text } from 'node:stream/consumers';
import { ScangateError } from '../../../core/errors.js';
import { generatePassword } from '../../../admin/users/password.js';
import { isRole, roles } from '../../../admin/users/roles.js';
import { addUser, disableUser, listUsers, resetPassword } from '../../../admin/users/user-store.js';
import { parseCommandArgs, subcommand, type CliCommand } from '../command.js';
import type { CliContext } from '../context.js';

/** The password from stdin (its first line) with --password-stdin; else a generated one, shown once the change is made. */
async function newPassword(ctx: CliContext, fromStdin: boolean | undefined): Promise<{ password: string; show(): void }> {
  if (fromStdin) return { password: (await text(ctx.stdin)).split(/\r?\n/)[0] ?? '', show: () => undefined };
  const password = generatePassword();
  return {
    password,
    show() {
      ctx.print(`password: ${password}`);
      ctx.note('the password is shown only this once');
    },
  };
}

export const adminUserCommand: CliCommand = {
  name: 'admin-user',
  summary: 'add, disable, reset the password of, or list admin console users',
  usage: [
    'scangate admin-user add --username <name> --role admin|reviewer|viewer [--password-stdin]',
    'scangate admin-user reset-password --username <name> [--password-stdin]',
    'scangate admin-user disable --username <name>',
    'scangate admin-user list',
    '  without --password-stdin a random password is generated and printed once; at least 12 characters',
  ].join('\n'),
  async run(args, ctx) {
    const { name, rest } = subcommand(args, ['add', 'disable', 'reset-password', 'list']);
    if (name === 'list') {
      parseCommandArgs(rest, {}, []);
      for (const user of await listUsers(ctx.pool())) ctx.print(`${user.username}\t${user.role}\t${user.disabledAt ? 'disabled' : 'enabled'}`);
      return;
    }
    const { values } = parseCommandArgs(rest, { username: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' } }, []);
    const username = values.username;
    if (!username || !/^[\w.@-]{1,64}$/.test(username)) throw new ScangateError('GW_ERR_USAGE', '--username: 1–64 letters, digits, _ . @ -');
    if (name === 'disable') {
      await disableUser(ctx.pool(), username, ctx.actor);
      ctx.note(`user ${username} disabled; their sessions are ended`);
      return;
    }
    if (name === 'add') {
      const role = values.role ?? '';
      if (!isRole(role)) throw new ScangateError('GW_ERR_USAGE', `--role must be one of ${roles.join(', ')}`);
      const secret = await newPassword(ctx, values['password-stdin']);
      await addUser(ctx.pool(), username, role, secret.password, ctx.actor);
      secret.show();
      ctx.note(`user ${username} added (${role})`);
      return;
    }
    const secret = await newPassword(ctx, values['password-stdin']);
    await resetPassword(ctx.pool(), username, secret.password, ctx.actor);
    secret.show();
    ctx.note(`password of ${username} reset; their sessions are ended`);
  },
};
