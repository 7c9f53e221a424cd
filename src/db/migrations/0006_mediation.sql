-- People's mediation: its tables come with the mediation branch, which
-- owns this file.  This copy only holds the number so that psychological
-- assistance (0007) migrates on its own branch; take the mediation
-- branch's file when the two are merged.
SELECT 1;
