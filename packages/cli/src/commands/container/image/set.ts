import { Command, Option } from 'clipanion';
import { ErrorCode, LuckyError, PULL_POLICIES, type PullPolicy } from '@lucky/core';
import { ContainerCommand } from '../../../context.js';

/** `lucky container image set <image> [--pull always|missing|never] [--no-pull]` (CL-22): the one command that defines a container. */
export class ContainerImageSetCommand extends ContainerCommand {
  static override paths = [['container', 'image', 'set']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: "set a container's image and pull policy, defining the container if needed",
    details:
      'Give the tag explicitly. --pull says when the runtime pulls the image: `missing` (the default) only when the engine lacks it, `always` on every (re)creation, `never` (the image must be on the machine; --no-pull is the same). On upgrade-charm, `missing` and `always` pull mutable tags again (not digests); when the registry cannot be reached the local image is used, with a warning in the hook output. The container is (re)created after the script.',
    examples: [
      ['Define the default container', 'lucky container image set nginx:1.27'],
      ['Pull on every (re)creation', 'lucky container image set myorg/app:latest --pull always'],
      ['A named one from a local image', 'lucky container image set -c worker my/worker:2 --pull never'],
    ],
  });

  image = Option.String({ name: 'image' });
  pull = Option.String('--pull', { description: 'When to pull the image: always, missing (default) or never' });
  noPull = Option.Boolean('--no-pull', false, { description: 'Never pull (the same as --pull never); the image must already be on the machine' });

  async execute(): Promise<number> {
    const policy = this.policy();
    await this.change('container.image.set', { container: this.container, image: this.image, pull: policy !== 'never', pullPolicy: policy });
    return 0;
  }

  private policy(): PullPolicy {
    if (this.pull === undefined) return this.noPull ? 'never' : 'missing';
    if (!(PULL_POLICIES as readonly string[]).includes(this.pull)) {
      throw new LuckyError(ErrorCode.InvalidArgument, `Invalid pull policy "${this.pull}" for lucky container image set: use always, missing or never.`);
    }
    if (this.noPull && this.pull !== 'never') {
      throw new LuckyError(ErrorCode.InvalidArgument, `--no-pull and --pull ${this.pull} contradict each other; give one of them.`);
    }
    return this.pull as PullPolicy;
  }
}
