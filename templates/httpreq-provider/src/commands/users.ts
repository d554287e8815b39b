import { Command, Option, UsageError } from 'clipanion';
import { allowDomains, CommandError, createUser, grantsOf, listDomains, revokeDomains, splitNames } from '../db/commands.js';
import { generatePassword } from '../db/password.js';
import { DatabaseCommand } from './db-command.js';

export class CreateUserCommand extends DatabaseCommand {
  static override paths = [['create-user']];
  static override usage = Command.Usage({
    description: 'create a user, or give an existing user a new password',
    details: `
      Stores the user with an scrypt hash of the password and prints it once. Without \`--password\` a random url-safe password (40 characters) is generated.

      Unlike Canonical's provider (which kept the old password yet printed the new one), an existing user's password is replaced, and the output says \`Updated\` instead of \`Created\`.
    `,
    examples: [
      ['Create a user with a generated password', 'httpreq-provider create-user alice'],
      ['Set a chosen password', 'httpreq-provider create-user alice --password s3cret'],
    ],
  });

  username = Option.String({ name: 'username' });
  password = Option.String('--password', { description: 'The password (default: generated)' });

  async execute(): Promise<number> {
    const password = this.password ?? generatePassword();
    if (password === '') return this.change(() => Promise.reject(new CommandError(`Invalid user '${this.username}': ['This field cannot be blank.']`)));
    return this.change((db) => createUser(db, this.username, password));
  }
}

abstract class GrantCommand extends DatabaseCommand {
  username = Option.String({ name: 'username' });
  domains = Option.String('--domains', { description: 'Comma-separated names the user may manage exactly (the apex, and wildcard certificates)' });
  subdomains = Option.String('--subdomains', { description: 'Comma-separated names below which the user may manage any name (not the name itself)' });

  protected lists(): [string[], string[]] | undefined {
    const lists: [string[], string[]] = [splitNames(this.domains), splitNames(this.subdomains)];
    return lists[0].length + lists[1].length === 0 ? undefined : lists;
  }
}

const NO_LISTS = 'Give --domains, --subdomains or both.';

export class AllowDomainsCommand extends GrantCommand {
  static override paths = [['allow-domains']];
  static override usage = Command.Usage({
    description: 'grant a user domains and/or subdomains',
    details: `
      A \`domain\` grant allows exactly \`_acme-challenge.<domain>\` (the apex certificate, and \`*.<domain>\`, whose challenge has the same name). A \`subdomain\` grant allows \`_acme-challenge.<name>\` for any name strictly below the domain, at any depth, but not the domain itself.

      Invalid names are reported together; the valid ones are still granted.
    `,
    examples: [
      ['Apex, wildcard and every name below', 'httpreq-provider allow-domains alice --domains example.com --subdomains example.com'],
      ['Two exact names', 'httpreq-provider allow-domains alice --domains example.com,www.example.com'],
    ],
  });

  async execute(): Promise<number> {
    const lists = this.lists();
    if (lists === undefined) return this.change(() => Promise.reject(new CommandError(NO_LISTS)));
    return this.change((db) => allowDomains(db, this.username, ...lists));
  }
}

export class RevokeDomainsCommand extends GrantCommand {
  static override paths = [['revoke-domains']];
  static override usage = Command.Usage({
    description: "remove some of a user's grants",
    details: `
      Names never granted to anyone, and grants the user does not hold, are reported together; the others are still removed.
    `,
    examples: [['Stop subdomain access', 'httpreq-provider revoke-domains alice --subdomains example.com']],
  });

  async execute(): Promise<number> {
    const lists = this.lists();
    if (lists === undefined) return this.change(() => Promise.reject(new CommandError(NO_LISTS)));
    return this.change((db) => revokeDomains(db, this.username, ...lists));
  }
}

export class ListDomainsCommand extends DatabaseCommand {
  static override paths = [['list-domains']];
  static override usage = Command.Usage({
    description: "print a user's grants, or every user's with '*'",
    details: `
      The layout is Canonical's: a blank line, \`<user>:\`, then \`domains:\` and \`subdomains:\` with sorted comma-separated names, each section left out when empty.

      \`--format json\` prints \`{"username","domains","subdomains"}\` for one user, or a list of them for \`*\`.
    `,
    examples: [
      ['One user', 'httpreq-provider list-domains alice'],
      ['Every user', "httpreq-provider list-domains '*'"],
      ['As JSON', 'httpreq-provider list-domains alice --format json'],
    ],
  });

  username = Option.String({ name: 'username' });
  format = Option.String('--format', 'plain', { description: "plain (Canonical's layout) or json" });

  async execute(): Promise<number> {
    if (this.format !== 'plain' && this.format !== 'json') throw new UsageError(`Unknown --format "${this.format}": expected plain or json.`);
    if (this.format === 'json') return this.read((db) => ({ result: JSON.stringify(grantsOf(db, this.username)) }));
    return this.read((db) => listDomains(db, this.username));
  }
}
