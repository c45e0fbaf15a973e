namespace Sequences.Core.Sequences;

public enum SequenceStatus { Draft, Active, Paused, Archived }

public enum StepType { Email, Delay, Condition, Action }

public enum ConditionType { IfOpened, IfClicked, IfReplied, IfNotReplied }

public enum ActionType { UpdateStatus, TagLead, NotifyUser, Webhook }

public enum SendFailurePolicy { Skip, Stop }
