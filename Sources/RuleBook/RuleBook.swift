// RuleBook
