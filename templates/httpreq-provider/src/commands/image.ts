import { Command, Option } from 'clipanion';
import { ErrorCode, LuckyError } from '@lucky/errors';

export class ImageCommand extends Command {
  static override paths = [['image']];
  static override usage = Command.Usage({
    description: "build the provider's OCI image offline",
    details: `
      Builds \`lucky-httpreq-provider:<version>\` through the Docker engine from files of this machine, \`FROM scratch\`: the service bundled into \`/opt/httpreq-provider/main.js\`, this Node binary, git, ssh, ssh-keyscan and busybox with their shared libraries, and the workload user \`httpreq\` (uid/gid 584792, home /var/lib/httpreq). Missing Debian packages (git, openssh-client, busybox-static) are installed with apt-get. Nothing is pulled from a registry.

      An image with the same content is reused, so running it again is quick. Runs from the package's sources (it bundles them), not inside the image.
    `,
    examples: [
      ['Build the default tag', 'httpreq-provider image'],
      ['Another tag and engine', 'httpreq-provider image --tag my-httpreq:dev --socket /run/user/1000/docker.sock'],
    ],
  });

  tag = Option.String('--tag', { description: 'The image reference (default lucky-httpreq-provider:<version>)' });
  socket = Option.String('--socket', { description: 'The Docker engine socket (default /var/run/docker.sock)' });

  async execute(): Promise<number> {
    let builder: typeof import('../image/build.js');
    try {
      builder = await import('../image/build.js');
    } catch (error) {
      throw new LuckyError(
        ErrorCode.BuildFailed,
        `The image builder is not part of this bundle (${(error as Error).message}); run "httpreq-provider image" from the @lucky/httpreq-provider package.`,
      );
    }
    const reference = await builder.buildProviderImage({
      ...(this.tag === undefined ? {} : { tag: this.tag }),
      ...(this.socket === undefined ? {} : { socketPath: this.socket }),
      onProgress: (line) => this.context.stderr.write(`${line}\n`),
    });
    this.context.stdout.write(`${reference}\n`);
    return 0;
  }
}
