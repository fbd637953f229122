"""Every sentence the engine and the use cases write that a page shows, as the catalog's
entries: the English exactly as they write it, with each varying part a named
placeholder. ``api.pages.reasons`` reads a sentence back by these templates and says it
again from the Khmer catalog; ``tests/api/test_sentences.py`` fails when a module
writes words no template here holds.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark a template for the catalogs (``make messages`` extracts it)."""
    return text


# matcher/explain.py: the reasons and warnings of a pathway.
PATHWAY = (
    N_("Pays $%(gross)s a month; food, a room and other needs in %(town)s cost $%(costs)s"),
    N_("Earns about $%(gross)s a month; food, a room and other needs in %(town)s cost $%(costs)s"),
    N_(
        "Pays $%(gross)s a month; the employer provides food; a room and other needs in "
        "%(town)s cost $%(costs)s"
    ),
    N_(
        "Pays $%(gross)s a month; the employer provides a room; food and other needs in "
        "%(town)s cost $%(costs)s"
    ),
    N_(
        "Pays $%(gross)s a month; the employer provides food and a room; other needs in "
        "%(town)s cost $%(costs)s"
    ),
    N_("Pays $%(gross)s a month, $%(short)s below the living wage in %(town)s ($%(wage)s)"),
    N_("Earns about $%(gross)s a month, $%(short)s below the living wage in %(town)s ($%(wage)s)"),
    N_("Below the living wage in %(town)s"),
    N_("%(choice)s of the survivor"),
    N_("Trains for %(occupation)s, the survivor's %(choice)s"),
    N_("Same skill family (%(family)s) as the survivor's %(choice)s"),
    N_("Aptitude for %(family)s not assessed"),
    N_("Aptitude for %(family)s: %(level)s of 5"),
    N_("%(left)s of %(seats)s seats left, next intake %(date)s"),
    N_("Trains %(months)s months in %(town)s"),
    N_("Already trained: completed %(track)s"),
    N_("Already trained"),
    N_("Learned on the job: employers take beginners"),
    N_("Vacancy at %(employer)s: %(n)s positions left"),
    N_("%(employer)s has committed to hire graduates of this track"),
    N_("%(n)s openings for %(occupation)s in %(town)s this season"),
    N_("In the survivor's home province"),
    N_("%(town)s is a town the survivor is willing to move to"),
    N_("Away from home in %(town)s: the survivor will move anywhere"),
    N_("Needs accommodation: a room in %(town)s costs $%(room)s a month"),
    N_("Own business at a %(venue)s venue in a tourist hub"),
    N_("Own business at a %(venue)s venue in a town off the tourist routes"),
    N_("Start-up about $%(cost)s, within the NGO's support of $%(support)s"),
    N_(
        "Start-up about $%(cost)s: a loan of $%(loan)s beyond the NGO's support could not "
        "be repaid from this income"
    ),
    N_(
        "Start-up about $%(cost)s; the NGO can give $%(support)s; a loan of $%(loan)s at "
        "%(rate)s%% a month repays in about %(months)s months from %(share)s%% of the net "
        "income"
    ),
    N_("The start-up loan takes %(months)s months to repay"),
    N_("Start-up cost not surveyed"),
    N_("The survivor has not asked for an own business"),
    N_("%(occupation)s: work with a known risk of exploitation; check the employer"),
    N_("Under 18: a parent or guardian must consent to the contract"),
    N_(
        "%(town)s is a casino town with reported scam compounds: ranked after every pathway "
        "outside such towns; check the employer"
    ),
)

# matcher/explain.py: what a hard rule says of an excluded pathway.
EXCLUDED = (
    N_("%(town)s is a town the survivor must avoid"),
    N_("Training in %(town)s, a town the survivor must avoid"),
    N_("Training in %(town)s: outside the survivor's home province"),
    N_("Training in %(town)s: outside the home province and the towns the survivor named"),
    N_("Training in %(town)s: outside the towns the survivor accepts"),
    N_("Work in %(town)s: outside the survivor's home province"),
    N_("Work in %(town)s: outside the home province and the towns the survivor named"),
    N_("Work in %(town)s: outside the towns the survivor accepts"),
    N_("Already completed %(track)s"),
    N_("No work under 12: the survivor may be only %(age)s"),
    N_("%(occupation)s is hazardous work, not allowed under 18: the survivor may be only %(age)s"),
    N_(
        "%(occupation)s means a night shift, not allowed under 18: the survivor may be only %(age)s"
    ),
    N_("%(occupation)s means night work, not allowed under 18: the survivor may be only %(age)s"),
    N_(
        "%(occupation)s carries a risk of exploitation, never offered under 18: the survivor "
        "may be only %(age)s"
    ),
    N_(
        "%(town)s is a casino town with reported scam compounds, never offered under 18: the "
        "survivor may be only %(age)s"
    ),
    N_(
        "Only light work under 15 and %(occupation)s is not light work: the survivor may be "
        "only %(age)s"
    ),
    N_("%(track)s takes trainees from age %(min_age)s: the survivor may be only %(age)s"),
    N_("%(track)s needs %(needed)s literacy; the survivor's is %(have)s"),
    N_(
        "%(employer)s hires from age %(min_age)s: the survivor may be only %(age)s when work starts"
    ),
    N_("Work in %(town)s, a town no one is sent to: %(note)s"),
    N_("Training in %(town)s, a town no one is sent to: %(note)s"),
    N_("%(employer)s is an employer no one is sent to: %(note)s"),
    N_("The vacancy is held for an admin's review: it may be a lure"),
    N_("No seats left in %(track)s (of %(seats)s; next intake %(date)s)"),
    N_("%(employer)s is not vetted yet"),
    N_("%(employer)s is rejected at vetting"),
    N_("%(employer)s is suspended"),
    N_("The employer is not vetted yet"),
    N_("The employer is rejected at vetting"),
    N_("The employer is suspended"),
    N_("The vacancy is closed"),
    N_("The vacancy has no position left"),
    N_("Not allowed"),
)

# The kinds of venue an own business works from, as the engine and the survey name them.
VENUES = (
    N_("industrial"),
    N_("market"),
    N_("tourist"),
    N_("office"),
    N_("farm"),
    N_("home"),
)

# The parts the engine puts into its sentences: wishes by rank, dates, venues,
# literacy levels.
PARTS = (
    N_("First choice"),
    N_("Second choice"),
    N_("Third choice"),
    N_("Fourth choice"),
    N_("Fifth choice"),
    N_("Choice %(n)s"),
    N_("first choice"),
    N_("second choice"),
    N_("third choice"),
    N_("fourth choice"),
    N_("fifth choice"),
    N_("choice %(n)s"),
    N_("not scheduled"),
    *VENUES,
    N_("unknown"),
    N_("none"),
    N_("basic"),
    N_("functional"),
)

# matcher/allocate/words.py: why each survivor of a cohort got what they got.
ALLOCATION = (
    N_("Given %(track)s (score %(score)s, wish %(rank)s)."),
    N_("Given %(track)s (score %(score)s, not among the stated wishes)."),
    N_("No seat: no track of this allocation is allowed for this survivor."),
    N_("No seat: every track allowed for this survivor is full."),
    N_("%(track)s: not allowed for this survivor by a hard rule."),
    N_("%(track)s: not allowed for this survivor (%(why)s)."),
    N_("%(track)s: no seat available this intake."),
    N_("%(track)s: seats remain, but the survivor scores lower there (%(score)s)."),
    N_("%(track)s: 1 seat, given to a survivor with a higher score for it (%(detail)s)."),
    N_("%(track)s: 2 seats, both given to survivors with a higher score for it (%(detail)s)."),
    N_(
        "%(track)s: %(n)s seats, all %(n)s given to survivors with a higher score for it "
        "(%(detail)s)."
    ),
    N_(
        "%(track)s: 1 seat, given to other survivors (%(detail)s); seating the cohort as a "
        "whole that way seats more survivors or gives a higher total score."
    ),
    N_(
        "%(track)s: 2 seats, both given to other survivors (%(detail)s); seating the cohort "
        "as a whole that way seats more survivors or gives a higher total score."
    ),
    N_(
        "%(track)s: %(n)s seats, all %(n)s given to other survivors (%(detail)s); seating "
        "the cohort as a whole that way seats more survivors or gives a higher total score."
    ),
    N_("%(track)s: not among the tracks of this allocation."),
    N_("score %(scores)s"),
    N_("scores %(high)s down to %(low)s"),
    N_("score %(scores)s; aptitude %(levels)s in %(family)s"),
    N_("scores %(high)s down to %(low)s; aptitude %(levels)s in %(family)s"),
)

# casework/closure.py and the case's use cases: why a case, a referral or a placement
# is refused.
CASEWORK = (
    N_("The case cannot close as reintegrated yet: %(missing)s."),
    N_("no job or own business has been recorded: %(months)s months are needed"),
    N_(
        "the longest stretch in work or business ran from %(start)s to %(end)s: %(months)s "
        "months are needed"
    ),
    N_("%(n)s follow-up(s) recorded: the last %(last)s must be at or above the living wage"),
    N_("of the last %(last)s follow-ups, %(n)s found an income below the living wage"),
    N_("The survivor's case is already closed."),
    N_("The survivor's case is closed."),
    N_("Vacancy %(id)s is closed."),
    N_(
        "No position of vacancy %(id)s is left: its %(n)s position(s) are taken by open "
        "referrals and placements."
    ),
    N_("There is no vacancy %(id)s you may see."),
    N_("There is no referral %(id)s you may see."),
    N_("There is no placement with this id in your organisation."),
    N_("The survivor cannot be referred to this vacancy: %(missing)s."),
    N_("may be %(age)s when the work starts, and the vacancy needs %(min_age)s"),
    N_("a minor may not do night or hazardous work (Labour Law art. 144, 177)"),
    N_("The survivor already has an open referral (%(id)s) to this vacancy."),
    N_("This referral is %(status)s: only a pending one can be decided."),
    N_("This referral is %(status)s: only a pending or accepted one can be withdrawn."),
    N_("Referral %(id)s is %(status)s: only an accepted offer can be chosen."),
    N_("referral_id %(id)s is not a referral of this survivor."),
    N_("This placement ended on %(date)s."),
    N_(
        "The survivor has not consented to sharing with employers (record it with POST "
        "/survivors/%(id)s/consents)."
    ),
    N_(
        "The survivor may be under 18 and no parent's or guardian's agreement is recorded "
        "(record it with POST /survivors/%(id)s/consents)."
    ),
    N_("The survivor may be under 18: a parent or guardian must agree too."),
    N_("No follow-up is scheduled %(months)s months after the start."),
    N_("The %(months)s-month follow-up is already recorded."),
    N_("Follow-ups are for a job or an own business, not training."),
    N_("The follow-up is dated before the placement started."),
    N_("This Idempotency-Key was used for a different follow-up: use a new key."),
)

# market_survey/schema.py and references.py: what to fix in a survey's rows.
SURVEY = (
    N_("unknown town %(value)s; did you mean %(hint)s?"),
    N_("unknown town %(value)s; use a town code or name"),
    N_("unknown occupation %(value)s; did you mean %(hint)s?"),
    N_("unknown occupation %(value)s; use an occupation code or name"),
    N_("town is empty"),
    N_("occupation is empty"),
    N_("%(column)s %(value)s is not one of %(allowed)s; did you mean %(hint)s?"),
    N_("%(column)s %(value)s is not one of %(allowed)s"),
    N_("%(column)s is empty; use one of %(allowed)s"),
    N_("%(column)s is empty"),
    N_("pay must be more than 0 (got %(value)s)"),
    N_("openings cannot be negative (got %(value)s)"),
    N_("openings must be a whole number (got %(value)s)"),
    N_("startup cost cannot be negative (got %(value)s)"),
    N_("pay_min is more than pay_max"),
    N_("startup_cost is only for self-employment rows (employment is wage)"),
    N_("town %(value)s already has a row; one row per town"),
    N_("food must be more than 0 (got %(value)s)"),
    N_("room cannot be negative (got %(value)s)"),
    N_("other cannot be negative (got %(value)s)"),
    N_("the jobs table has no data rows"),
    N_("the living_costs table has no data rows"),
    N_("missing column (needed: %(columns)s)"),
    N_("unknown column; did you mean %(hint)s?"),
    N_("unknown column; expected: %(columns)s"),
    N_("repeats row %(row)s"),
    N_("and %(n)s more rows with the same problem (%(check)s)"),
    N_("the %(table)s table has %(n)s problems in %(rows)s rows"),
    N_("the %(table)s table has %(n)s problems in 1 row"),
    N_("the %(table)s table has 1 problem in 1 row"),
    N_("the %(table)s table has %(n)s problems"),
    N_("the %(table)s table has 1 problem"),
)

# training_catalog/rules.py: the law and the safeguards a vacancy's finding cites.
LAW = (
    N_("Labour Law 1997, art. 177(1): minimum working age 15"),
    N_(
        "Labour Law 1997, art. 177(2) and the 2004 Prakas on hazardous child labour: no "
        "hazardous work under 18"
    ),
    N_("Labour Law 1997, art. 144: no night work (the period including 22:00-05:00) under 18"),
    N_(
        "Pathways safeguard (FACTS.md, OHCHR 2023 [T8]): occupations with an exploitation "
        "risk are never offered to minors"
    ),
    N_(
        "Pathways safeguard (FACTS.md): occupations with an exploitation risk need an "
        "admin's explicit approval of the employer"
    ),
)

# marshmallow's messages, as the API's schemas (the vacancy's among them) give them.
FIELDS = (
    N_("Missing data for required field."),
    N_("Not a valid number."),
    N_("Not a valid integer."),
    N_("Not a valid boolean."),
    N_("Not a valid string."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Must be one of: %(choices)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than %(min)s and less than or equal to %(max)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Longer than maximum length %(max)s."),
    N_("must not contain NUL characters"),
    N_("must not contain a lone surrogate (\\ud800-\\udfff): it is not Unicode text"),
    N_("The season was not created."),
    N_("There is no employer %(id)s you may see."),
    N_("There is no employer %(id)s."),
    N_("%(organisation)s already has an employer profile: one per organisation."),
    N_("Only a vetted employer can be approved for exploitation-risk occupations."),
    N_("Register your employer profile (POST /api/v1/employers) before posting vacancies."),
    N_("The employer names an unknown town."),
    N_("The vacancy cannot be posted as it stands."),
    N_("The vacancy cannot be changed that way."),
    N_("The vacancy changed meanwhile: read it again."),
    N_(
        "The vacancy changed since you read it (version %(was)s; now %(now)s): read it again "
        "and repeat your change."
    ),
    N_("The pay comes to less than one cent a month."),
    N_("at least %(n)s are taken"),
    N_("cannot exceed positions (%(n)s)"),
)

# matcher/retention.py: what the outcome model expects of a pathway, and why; the
# inputs by matcher.outcomes.FEATURE_WORDS.
RETENTION = (
    N_("Chance of still being in work after a year: %(percent)s%% (outcome model %(version)s)"),
    N_("Of %(n)s placed with this employer, %(lasted)s were still there after a year"),
    N_("Of %(n)s placed after this track, %(lasted)s were still in work after a year"),
    N_("Raises it most: %(why)s"),
    N_("Lowers it most: %(why)s"),
    N_("aptitude for this skill"),
    N_("how much it was wished for"),
    N_("net income against the living wage"),
    N_("distance from home"),
    N_("length of the training"),
    N_("the employer's commitment to hire"),
    N_("age"),
    N_("literacy"),
    N_("this employer's record"),
    N_("this track's record"),
    N_("this town's record"),
    N_("this kind of work's record"),
)

BOOK = PATHWAY + EXCLUDED + PARTS + ALLOCATION + CASEWORK + SURVEY + LAW + FIELDS + RETENTION
