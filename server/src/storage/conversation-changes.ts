import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { GROUP_MEMBERS_MAX, joinNames, type Message, type SystemEvent } from '@parley/shared';
import { AppError, notFound } from '../errors.js';
import { lockConversation } from './message-actions.js';
import { insertOne } from './message-insert.js';
import type { ConversationChangeInput } from './repository.js';
import type { Database } from './schema.js';

/** What a membership change or rename did; `message: null` when it changed nothing. */
export interface ConversationChangeResult {
  /** The system message that records the change (it carries the change's version). */
  message: Message | null;
  addedUserIds: string[];
  removedUserId: string | null;
  /** A member made admin because the last admin left. */
  promotedUserId: string | null;
  /** The group picture a new one replaced, whose file the caller deletes after the commit. */
  replacedAvatarId?: string | null;
}

const nothing: ConversationChangeResult = {
  message: null,
  addedUserIds: [],
  removedUserId: null,
  promotedUserId: null,
};

/**
 * Adds members, removes one (or lets one leave), changes a role or renames a group, inside
 * a group-commit transaction like every message write. The change is recorded by a
 * `kind: "system"` message, stored through the same insert as any message, so it takes the
 * conversation's next seq and version in commit order and reaches clients through the
 * change feed.
 * Rights are checked here, against the rows as they are now.
 */
export async function applyConversationChange(
  trx: Transaction<Database>,
  input: ConversationChangeInput,
  inSavepoint: boolean,
): Promise<ConversationChangeResult> {
  // Checks below read members and roles; with the lock they see every earlier change (see
  // lockConversation), so two admins adding the same person cannot both insert them.
  await lockConversation(trx, input.conversationId);
  const conversation = await trx
    .selectFrom('conversations as c')
    .innerJoin('conversation_members as me', (j) =>
      j.onRef('me.conversation_id', '=', 'c.id').on('me.user_id', '=', input.actorId),
    )
    .innerJoin('users as u', 'u.id', 'me.user_id')
    .select(['c.type', 'c.title', 'c.avatar_id', 'c.last_seq', 'me.role', 'u.display_name'])
    .where('c.id', '=', input.conversationId)
    .executeTakeFirst();
  // A non-member learns nothing, not even that the conversation exists.
  if (!conversation) throw notFound();
  if (conversation.type !== 'group') {
    throw new AppError('forbidden', 'A direct conversation keeps its two members and has no title');
  }
  const isAdmin = conversation.role === 'admin';
  const actorName = conversation.display_name;
  const record = (body: string, system: SystemEvent) =>
    insertOne(
      trx,
      {
        conversationId: input.conversationId,
        senderId: input.actorId,
        clientId: `system:${randomUUID()}`,
        kind: 'system',
        body,
        replyToId: null,
        call: null,
        system,
        now: input.now,
      },
      inSavepoint,
    );

  if (input.type === 'rename') {
    if (!isAdmin) throw new AppError('forbidden', 'Only a group admin can rename the group');
    if (input.title === conversation.title) return nothing;
    await trx
      .updateTable('conversations')
      .set({ title: input.title })
      .where('id', '=', input.conversationId)
      .execute();
    const { message } = await record(`${actorName} renamed the group to “${input.title}”`, {
      type: 'renamed',
      actorId: input.actorId,
      title: input.title,
    });
    return { ...nothing, message };
  }

  if (input.type === 'avatar') {
    if (!isAdmin) throw new AppError('forbidden', 'Only a group admin can change the group picture');
    if (input.avatarId === conversation.avatar_id) return nothing;
    await trx
      .updateTable('conversations')
      .set({ avatar_id: input.avatarId })
      .where('id', '=', input.conversationId)
      .execute();
    const { message } = await record(
      input.avatarId ? `${actorName} changed the group picture` : `${actorName} removed the group picture`,
      { type: 'avatar_changed', actorId: input.actorId },
    );
    return { ...nothing, message, replacedAvatarId: conversation.avatar_id };
  }

  if (input.type === 'role') {
    if (!isAdmin) throw new AppError('forbidden', 'Only a group admin can change roles');
    const target = await memberRow(trx, input.conversationId, input.userId);
    if (!target) throw notFound('member');
    if (target.role === input.role) return nothing;
    if (input.role === 'member') {
      const admins = await trx
        .selectFrom('conversation_members')
        .select('user_id')
        .where('conversation_id', '=', input.conversationId)
        .where('role', '=', 'admin')
        .limit(2)
        .execute();
      if (admins.length < 2) {
        throw new AppError('forbidden', 'A group keeps at least one admin: make someone else admin first');
      }
    }
    await trx
      .updateTable('conversation_members')
      .set({ role: input.role })
      .where('conversation_id', '=', input.conversationId)
      .where('user_id', '=', input.userId)
      .execute();
    const { message } = await record(
      input.role === 'admin'
        ? `${actorName} made ${target.display_name} an admin`
        : `${actorName} removed ${target.display_name} as admin`,
      { type: 'role_changed', actorId: input.actorId, userIds: [input.userId], role: input.role },
    );
    return { ...nothing, message };
  }

  if (input.type === 'add') {
    if (!isAdmin) throw new AppError('forbidden', 'Only a group admin can add members');
    const members = await memberIdsIn(trx, input.conversationId);
    const newIds = [...new Set(input.userIds)].filter((id) => !members.has(id));
    if (newIds.length === 0) return nothing;
    const users = await trx
      .selectFrom('users')
      .select(['id', 'display_name', 'deactivated_at'])
      .where('id', 'in', newIds)
      .execute();
    if (users.length !== newIds.length) throw notFound('user');
    const deactivated = users.filter((u) => u.deactivated_at != null);
    if (deactivated.length > 0) {
      throw new AppError('invalid_input', 'A deactivated account cannot be added to a group', {
        userIds: `deactivated: ${deactivated.map((u) => u.id).join(', ')}`,
      });
    }
    if (members.size + newIds.length > GROUP_MEMBERS_MAX + 1) {
      throw new AppError('invalid_input', `A group has at most ${GROUP_MEMBERS_MAX + 1} members`, {
        userIds: 'too many members',
      });
    }
    // New members start having read what came before: history is theirs to scroll, not unread.
    await trx
      .insertInto('conversation_members')
      .values(
        newIds.map((userId) => ({
          conversation_id: input.conversationId,
          user_id: userId,
          joined_at: input.now,
          read_at: null,
          read_seq: Number(conversation.last_seq),
          role: 'member' as const,
        })),
      )
      .execute();
    const names = newIds.map((id) => users.find((u) => u.id === id)!.display_name);
    const { message } = await record(`${actorName} added ${joinNames(names)}`, {
      type: 'members_added',
      actorId: input.actorId,
      userIds: newIds,
    });
    return { ...nothing, message, addedUserIds: newIds };
  }

  const leaving = input.userId === input.actorId;
  if (!leaving && !isAdmin) throw new AppError('forbidden', 'Only a group admin can remove members');
  const target = await memberRow(trx, input.conversationId, input.userId);
  if (!target) throw notFound('member');
  // Recorded first, while the one leaving is still a member (the system message is theirs).
  const { message } = await record(
    leaving ? `${actorName} left` : `${actorName} removed ${target.display_name}`,
    leaving
      ? { type: 'member_left', actorId: input.actorId }
      : { type: 'member_removed', actorId: input.actorId, userIds: [input.userId] },
  );
  await trx
    .deleteFrom('conversation_members')
    .where('conversation_id', '=', input.conversationId)
    .where('user_id', '=', input.userId)
    .execute();
  let promotedUserId: string | null = null;
  if (target.role === 'admin') {
    // A group is never left without an admin: the oldest remaining member becomes one.
    const admins = await trx
      .selectFrom('conversation_members')
      .select('user_id')
      .where('conversation_id', '=', input.conversationId)
      .where('role', '=', 'admin')
      .executeTakeFirst();
    if (!admins) {
      // Everyone in a new group joined at its creation: that tie goes to the oldest account
      // (the random ids alone would make it a coin toss), and the id keeps it total.
      const oldest = await trx
        .selectFrom('conversation_members as cm')
        .innerJoin('users as u', 'u.id', 'cm.user_id')
        .select('cm.user_id')
        .where('cm.conversation_id', '=', input.conversationId)
        .orderBy('cm.joined_at')
        .orderBy('u.created_at')
        .orderBy('cm.user_id')
        .executeTakeFirst();
      if (oldest) {
        await trx
          .updateTable('conversation_members')
          .set({ role: 'admin' })
          .where('conversation_id', '=', input.conversationId)
          .where('user_id', '=', oldest.user_id)
          .execute();
        promotedUserId = oldest.user_id;
      }
    }
  }
  return { message, addedUserIds: [], removedUserId: input.userId, promotedUserId };
}

async function memberIdsIn(trx: Transaction<Database>, conversationId: string): Promise<Set<string>> {
  const rows = await trx
    .selectFrom('conversation_members')
    .select('user_id')
    .where('conversation_id', '=', conversationId)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

function memberRow(trx: Transaction<Database>, conversationId: string, userId: string) {
  return trx
    .selectFrom('conversation_members as cm')
    .innerJoin('users as u', 'u.id', 'cm.user_id')
    .select(['cm.role', 'u.display_name'])
    .where('cm.conversation_id', '=', conversationId)
    .where('cm.user_id', '=', userId)
    .executeTakeFirst();
}
