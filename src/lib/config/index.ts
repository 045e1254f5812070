// Reading and writing `~/.aws/config` the way aws-vault v7 does. No oclif here: plain, testable code.
export {AwsConfigFile, PROFILE_KEYS, configPath, loadConfigFile, parseConfig} from './file.ts'
export {ConfigSection, type ConfigEntry, type SectionKind, profileHeader} from './section.ts'
export {
  DEFAULT_DURATIONS,
  type Origin,
  type ProfileFlags,
  type ResolveOptions,
  type ResolvedKey,
  type ResolvedProfileWithOrigins,
  resolveProfile,
} from './resolve.ts'
export {DEFAULT_MIN_TTL_SECONDS, durationFromEnv, flagDuration, minTtlSeconds, parseGoDuration} from './duration.ts'
export {parseSessionTags, parseTransitiveTags} from './tags.ts'
export {addProfile} from './write.ts'
