import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from '../../../common/validation/class-validator';
import { MEDIA_ID_PATTERN, MEDIA_MAX_BYTES } from '../browser-media.repository';

/** `chat.media`: one piece of a picture a `chat` event named, starting at `offset`. */
export class GetChatMediaParams {
  @IsString()
  @MaxLength(64)
  @Matches(MEDIA_ID_PATTERN, {
    message: '$property must be a mediaId from a chat event, e.g. "screenshot-1700000000000-0123456789ab.png"',
  })
  mediaId: string;
  @IsOptional() @IsInt() @Min(0) @Max(MEDIA_MAX_BYTES) offset?: number;
}
