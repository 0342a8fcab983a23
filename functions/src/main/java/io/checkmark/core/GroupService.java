package io.checkmark.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Group chats: membership and sending. A group is one item; every change to it and every message
 * sent in it is stored once, with the group's version checked in the same write, as an event that
 * the fan-out ({@link GroupFanOut}) then copies into every recipient device's queue. So {@code
 * accepted} costs one write whatever the group's size, a member removed before a message was
 * accepted never gets it, and one added after never gets earlier ones.
 */
public final class GroupService {

  /** How often a send, update or leave reads the group again when it changed under it. */
  private static final int ATTEMPTS = 5;

  private static final int MAX_GROUP_ID_CHARS = 64;
  private static final int GROUP_ID_BYTES = 16;
  private static final Duration RATE_WINDOW = Duration.ofSeconds(10);
  private static final Duration DAY = Duration.ofDays(1);

  /**
   * How long a warm function sends against a group it has read. Staleness costs nothing but a
   * retry: every group message is stored only while the group is at the version it was read at.
   */
  private static final Duration GROUP_REUSE = Duration.ofMinutes(1);

  private static final int GROUPS_KEPT = 1_000;

  private final GroupStore groups;
  private final AccountStore accounts;
  private final MessageQueue queue;
  private final ConnectionPusher pusher;
  private final RateLimiter limits;
  private final Limits perAccount;
  private final MediaService media;
  private final MessageIds messageIds;
  private final Clock clock;
  private final SecureRandom random;
  private final ExpiringCache<String, Group> recentGroups;

  public GroupService(
      GroupStore groups,
      AccountStore accounts,
      MessageQueue queue,
      ConnectionPusher pusher,
      RateLimiter limits,
      Limits perAccount,
      MessageIds messageIds,
      MediaService media,
      Clock clock,
      SecureRandom random) {
    this.groups = groups;
    this.accounts = accounts;
    this.queue = queue;
    this.pusher = pusher;
    this.limits = limits;
    this.perAccount = perAccount;
    this.messageIds = messageIds;
    this.media = media;
    this.clock = clock;
    this.random = random;
    this.recentGroups = new ExpiringCache<>(GROUPS_KEPT, GROUP_REUSE, clock);
  }

  /**
   * Per-account limits: groups created per day, {@code updateGroup}s that add members per day,
   * group sends per 10 seconds (one bucket with one-to-one sends) and distinct unregistered numbers
   * an account may be told of per day (one bucket with one-to-one sends).
   */
  public record Limits(
      int groupsPerDay,
      int memberAdditionsPerDay,
      int sendsPer10Seconds,
      int unknownRecipientsPerDay) {}

  /**
   * Creates a group of the creator and {@code members}, the creator its only admin, and tells every
   * device of every member. {@code GROUP_FULL} is checked before any member is looked up.
   */
  public Group create(Session creator, String name, List<String> members) {
    String groupName = requireName(name);
    if (members == null) {
      throw Refusal.invalid("members must list the phones to add");
    }
    Set<String> all = new LinkedHashSet<>();
    all.add(creator.phone());
    all.addAll(phones("members", members));
    requireRoom(all.size());
    requireRegistered(all, creator.phone());
    Group group = new Group(newGroupId(), groupName, List.copyOf(all), List.of(creator.phone()), 1);
    groups.create(
        creator,
        group,
        update(group, "created", creator.phone(), group.members()),
        new RateLimiter.Limit("groups#" + creator.phone(), perAccount.groupsPerDay(), DAY));
    return group;
  }

  /** The group, for one of its members. */
  public Group get(Session by, String groupId) {
    Group group = find(groupId);
    requireMember(group, by.phone());
    return group;
  }

  /**
   * An admin's change: a new name, members added and removed, and the admins set to {@code admins}
   * (each of whom is a member after the change). Every device of every member before and after the
   * change hears of it. A group left without an admin gets its oldest member as admin.
   */
  public Group update(
      Session by,
      String groupId,
      String name,
      List<String> add,
      List<String> remove,
      List<String> admins) {
    String newName = name == null ? null : requireName(name);
    Set<String> added = add == null ? Set.of() : new LinkedHashSet<>(phones("add", add));
    Set<String> removed = remove == null ? Set.of() : new LinkedHashSet<>(phones("remove", remove));
    Set<String> newAdmins = admins == null ? null : new LinkedHashSet<>(phones("admins", admins));
    if (newName == null && added.isEmpty() && removed.isEmpty() && newAdmins == null) {
      throw Refusal.invalid("updateGroup needs a name, add, remove or admins");
    }
    for (int attempt = 1; ; attempt++) {
      Group before = find(groupId);
      requireMember(before, by.phone());
      if (!before.isAdmin(by.phone())) {
        throw Refusal.of(Refusal.Reason.NOT_AN_ADMIN, "only the group's admins may change it");
      }
      List<String> members = new ArrayList<>(before.members());
      added.stream().filter(phone -> !members.contains(phone)).forEach(members::add);
      members.removeAll(removed);
      requireRoom(members.size());
      List<String> newcomers = added.stream().filter(phone -> !before.isMember(phone)).toList();
      if (!newcomers.isEmpty()) {
        requireRegistered(newcomers, by.phone());
      }
      List<String> adminsAfter = new ArrayList<>(newAdmins == null ? before.admins() : newAdmins);
      for (String admin : adminsAfter) {
        if (!members.contains(admin)) {
          throw Refusal.invalid("every admin must be a member of the group: " + admin + " is not");
        }
      }
      adminsAfter.retainAll(members);
      Group after =
          withAdmin(
              new Group(
                  before.id(),
                  newName == null ? before.name() : newName,
                  members,
                  adminsAfter,
                  before.version() + 1));
      RateLimiter.Limit additions =
          newcomers.isEmpty()
              ? null
              : new RateLimiter.Limit(
                  "member-additions#" + by.phone(), perAccount.memberAdditionsPerDay(), DAY);
      if (groups.change(by, before, after, changeEvent(before, after, "updated", by), additions)) {
        return after;
      }
      requireAnotherAttempt(attempt);
    }
  }

  /**
   * The caller leaves the group; if it was the last admin, the oldest remaining member becomes one.
   * The leaver's devices hear of it too.
   */
  public void leave(Session by, String groupId) {
    for (int attempt = 1; ; attempt++) {
      Group before = find(groupId);
      requireMember(before, by.phone());
      List<String> members = new ArrayList<>(before.members());
      members.remove(by.phone());
      List<String> admins = new ArrayList<>(before.admins());
      admins.remove(by.phone());
      Group after =
          withAdmin(new Group(before.id(), before.name(), members, admins, before.version() + 1));
      if (groups.change(by, before, after, changeEvent(before, after, "left", by), null)) {
        return;
      }
      requireAnotherAttempt(attempt);
    }
  }

  /**
   * Stores a message to the group once, checked against the group's version in the same write, so
   * that it goes to exactly the members of that version: every device of every other member, and
   * the sender's other devices. Refused when the message as it will be pushed exceeds API Gateway's
   * limit.
   */
  public MessageQueue.Stored send(
      Session sender, String groupId, String clientId, String body, Attachment attachment) {
    MessagingService.requireContent(clientId, body, attachment);
    for (int attempt = 1; ; attempt++) {
      Group group = attempt == 1 ? recentOrFind(groupId, sender.phone()) : find(groupId);
      recentGroups.put(group.id(), group);
      requireMember(group, sender.phone());
      QueueItem.Message message =
          new QueueItem.Message(
              sender.device(),
              messageIds.nextInGroup(sender.phone(), group.id()),
              sender.phone(),
              sender.deviceId(),
              null,
              group.id(),
              clientId,
              body,
              attachment,
              clock.instant());
      if (pusher.sizeAsPushed(message) > MessagingService.MAX_PUSHED_MESSAGE_BYTES) {
        throw MessagingService.tooLarge();
      }
      if (attempt == 1) {
        media.requireUploaded(attachment);
      }
      Optional<MessageQueue.Stored> stored =
          queue.storeOnceInGroup(
              sender,
              group,
              new GroupEvent(message, group.members(), sender.device()),
              new RateLimiter.Limit(
                  "sends#" + sender.phone(), perAccount.sendsPer10Seconds(), RATE_WINDOW));
      if (stored.isPresent()) {
        return stored.get();
      }
      // Changed since it was read: read it again.
      recentGroups.remove(group.id());
      requireAnotherAttempt(attempt);
    }
  }

  /**
   * The group as this function last read it, unless that copy does not count the sender as a member
   * (added since?): then, and when there is none, as read now.
   */
  private Group recentOrFind(String groupId, String sender) {
    return recentGroups
        .get(groupId)
        .filter(group -> group.isMember(sender))
        .orElseGet(() -> find(groupId));
  }

  private Group find(String groupId) {
    return find(groups, groupId);
  }

  /** The group, or {@code UNKNOWN_GROUP} whatever the id's form. */
  static Group find(GroupStore groups, String groupId) {
    if (groupId == null || groupId.isEmpty() || groupId.length() > MAX_GROUP_ID_CHARS) {
      throw unknownGroup();
    }
    return groups.find(groupId).orElseThrow(GroupService::unknownGroup);
  }

  /** {@code UNKNOWN_GROUP} or {@code NOT_A_MEMBER} unless the phone is a member of the group. */
  static void requireMember(GroupStore groups, String groupId, String phone) {
    requireMember(find(groups, groupId), phone);
  }

  private static Refusal unknownGroup() {
    return Refusal.of(Refusal.Reason.UNKNOWN_GROUP, "no such group");
  }

  private static void requireMember(Group group, String phone) {
    if (!group.isMember(phone)) {
      throw Refusal.of(Refusal.Reason.NOT_A_MEMBER, "you are not a member of this group");
    }
  }

  private static void requireRoom(int members) {
    if (members > Group.MAX_MEMBERS) {
      throw Refusal.of(
          Refusal.Reason.GROUP_FULL,
          "a group has at most " + Group.MAX_MEMBERS + " members, its creator included");
    }
  }

  /**
   * {@code UNKNOWN_RECIPIENT} names the first of the phones, in their order, not registered; like a
   * one-to-one send's, such answers count against the asker's daily limit of distinct numbers.
   */
  private void requireRegistered(Collection<String> phones, String asker) {
    Map<String, Account> found = accounts.findAll(phones);
    for (String phone : phones) {
      if (!found.containsKey(phone)) {
        throw MessagingService.unknownRecipient(
            limits, perAccount.unknownRecipientsPerDay(), asker, phone);
      }
    }
  }

  private static void requireAnotherAttempt(int attempt) {
    if (attempt >= ATTEMPTS) {
      throw new StorageUnavailable("the group kept changing; try again");
    }
  }

  /** A group left without an admin makes its oldest member one. */
  private static Group withAdmin(Group group) {
    if (!group.admins().isEmpty() || group.members().isEmpty()) {
      return group;
    }
    return new Group(
        group.id(),
        group.name(),
        group.members(),
        List.of(group.members().get(0)),
        group.version());
  }

  /** Queued for every member before and after the change, so that those removed learn of it. */
  private GroupEvent changeEvent(Group before, Group after, String change, Session by) {
    Set<String> told = new LinkedHashSet<>(before.members());
    told.addAll(after.members());
    return update(after, change, by.phone(), List.copyOf(told));
  }

  private GroupEvent update(Group group, String change, String by, List<String> told) {
    QueueItem.GroupUpdate item =
        new QueueItem.GroupUpdate(
            DeviceRef.primaryOf(by),
            messageIds.nextReceipt(),
            group.id(),
            change,
            by,
            group.name(),
            group.members(),
            group.admins(),
            clock.instant());
    return new GroupEvent(item, told, null);
  }

  private static String requireName(String name) {
    int chars = name == null ? 0 : name.codePointCount(0, name.length());
    if (chars < 1 || chars > Group.MAX_NAME_CHARS || name.isBlank()) {
      throw Refusal.invalid("name must be 1 to " + Group.MAX_NAME_CHARS + " characters");
    }
    return name;
  }

  private static List<String> phones(String field, List<String> phones) {
    // Before any is parsed or looked up: more than a group holds is refused as such.
    requireRoom(phones.size());
    List<String> canonical = new ArrayList<>();
    for (String phone : phones) {
      canonical.add(
          PhoneNumbers.canonical(phone)
              .orElseThrow(
                  () ->
                      Refusal.invalid(
                          field + " must hold valid phone numbers in international form")));
    }
    return canonical;
  }

  private String newGroupId() {
    byte[] bytes = new byte[GROUP_ID_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
