/**
 * The vocabulary of the generated communities in the directory benchmarks (a million people on
 * PostgreSQL, 20,000 on a device): names, cities, skills, interests and languages as a
 * worldwide volunteer community has them, accents and non-Latin scripts included. Earlier
 * entries are picked more often (a skewed draw), so some values are common and some rare.
 */

// prettier-ignore
export const FIRST_NAMES = ['Maria', 'José', 'Ana', 'Juan', 'Mohammed', 'Wei', 'Luis', 'Carlos', 'Fatima', 'Priya', 'Lucía', 'Kenji', 'Amara', 'Mateus', 'Jonas', 'Sofía', 'Elif', 'Ahmed', 'Li', 'Yuki', 'Anna', 'Olga', 'Ivan', 'Emma', 'Olivia', 'Liam', 'Noah', 'Lucas', 'Mia', 'Léa', 'Chloé', 'Hugo', 'Louis', 'Gabriel', 'Inès', 'Jana', 'Lukas', 'Leon', 'Marie', 'Sophie', 'Paul', 'Aisha', 'Chinedu', 'Ngozi', 'Kwame', 'Abena', 'Thabo', 'Arjun', 'Ananya', 'Rohan', 'Vikram', 'Siti', 'Budi', 'Dewi', 'Putri', 'Minh', 'Linh', 'Hana', 'Omar', 'Layla', 'Yusuf', 'Zeynep', 'Emre', 'Ayşe', 'Björn', 'Åsa', 'Søren', 'Ingrid', 'Niamh', 'Siobhán', 'Tomás', 'Joaquín', 'Martín', 'Valentina', 'Camila', 'Mateo', 'Isabella', 'Andrés', 'Diego', 'François', 'Zoë', 'Kalani', 'Tane', 'Aroha', 'Kirra', 'Maya', 'Noa', 'Shira', 'Dmitri', 'Piotr', 'Agnieszka', 'Łukasz', 'Tomasz', 'Thu', 'Hiroshi', 'Sergei', 'Natasha', 'Yonatan', 'Rangi', 'Mere'];

// prettier-ignore
export const LAST_NAMES = ['García', 'Silva', 'Wang', 'Nguyễn', 'Kumar', 'Müller', 'Okafor', 'Fernández', 'Watanabe', 'Oliveira', 'Kowalski', 'Yılmaz', 'Martínez', 'López', 'González', 'Rodríguez', 'Pérez', 'Santos', 'Costa', 'Schmidt', 'Schneider', 'Fischer', 'Dubois', 'Martin', 'Bernard', 'Petit', 'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Kim', 'Lee', 'Park', 'Chen', 'Zhang', 'Liu', 'Sato', 'Suzuki', 'Tanaka', 'Singh', 'Sharma', 'Patel', 'Iyer', 'Hassan', 'Ali', 'Ibrahim', 'Haddad', 'Mensah', 'Boateng', 'Adeyemi', 'Mokoena', 'Dlamini', 'Ivanov', 'Smirnov', 'Nowak', 'Wiśniewski', 'Kaya', 'Demir', 'Şahin', 'Öztürk', 'Andersson', 'Nielsen', 'Hansen', 'Murphy', 'Byrne', 'Rossi', 'Russo', 'Ferrari', 'Bianchi', 'Jovanović', 'Horvat', 'Novák', 'Dvořák', 'Hernández', 'Jiménez', 'Díaz', 'Moreno', 'Álvarez', 'Herrera', 'El Idrissi', 'Ngata', 'Becker', 'Raghunathan', 'Tran', 'Pham', 'Ramírez', 'Okonkwo', 'Takahashi', 'Reddy'];

/** [city, ISO 3166 country]. */
// prettier-ignore
export const CITIES: [string, string][] = [['Lagos', 'NG'], ['São Paulo', 'BR'], ['Madrid', 'ES'], ['Berlin', 'DE'], ['Tokyo', 'JP'], ['Bengaluru', 'IN'], ['Ciudad de México', 'MX'], ['Paris', 'FR'], ['Jakarta', 'ID'], ['Nairobi', 'KE'], ['Recife', 'BR'], ['Casablanca', 'MA'], ['Hà Nội', 'VN'], ['Kraków', 'PL'], ['Bogotá', 'CO'], ['İzmir', 'TR'], ['Buenos Aires', 'AR'], ['Córdoba', 'AR'], ['Lima', 'PE'], ['Santiago', 'CL'], ['Barcelona', 'ES'], ['València', 'ES'], ['Lyon', 'FR'], ['Marseille', 'FR'], ['München', 'DE'], ['Köln', 'DE'], ['Wien', 'AT'], ['Zürich', 'CH'], ['Milano', 'IT'], ['Roma', 'IT'], ['London', 'GB'], ['Dublin', 'IE'], ['Amsterdam', 'NL'], ['København', 'DK'], ['Stockholm', 'SE'], ['Warszawa', 'PL'], ['Praha', 'CZ'], ['Athína', 'GR'], ['İstanbul', 'TR'], ['Cairo', 'EG'], ['Accra', 'GH'], ['Johannesburg', 'ZA'], ['Mumbai', 'IN'], ['Chennai', 'IN'], ['Bandung', 'ID'], ['Manila', 'PH'], ['Hồ Chí Minh', 'VN'], ['Seoul', 'KR'], ['Osaka', 'JP'], ['Taipei', 'TW'], ['Sydney', 'AU'], ['Wellington', 'NZ'], ['Toronto', 'CA'], ['Montréal', 'CA'], ['New York', 'US'], ['San Francisco', 'US'], ['Austin', 'US'], ['Seattle', 'US']];

// prettier-ignore
export const SKILLS = ['javascript', 'translation', 'python', 'community management', 'event planning', 'technical writing', 'code review', 'public speaking', 'qa', 'design', 'mentoring', 'typescript', 'rust', 'go', 'java', 'kotlin', 'swift', 'css', 'accessibility', 'ux research', 'illustration', 'figma', 'video editing', 'photography', 'social media', 'marketing', 'proofreading', 'terminology', 'bug triage', 'web compatibility', 'devops', 'kubernetes', 'linux', 'security', 'privacy', 'data analysis', 'sql', 'machine learning', 'react', 'svelte', 'android', 'ios', 'c++', 'php', 'fundraising', 'facilitation', 'teaching', 'copywriting', 'blogging', 'podcasting', 'moderation', 'support', 'project management', 'grant writing'];

// prettier-ignore
export const INTERESTS = ['open source', 'education', 'privacy', 'accessibility', 'localization', 'gaming', 'music', 'hiking', 'cooking', 'photography', 'open data', 'governance', 'climate', 'science', 'art', 'film', 'books', 'travel', 'languages', 'coffee', 'cycling', 'running', 'chess', 'robotics', 'astronomy', 'history', 'writing', 'podcasts', 'football', 'yoga', 'gardening', 'diversity', 'student clubs', 'performance'];

// prettier-ignore
/** [name, kind] of the generated groups; a person joins at most two. */
// prettier-ignore
export const GROUPS: [string, 'area' | 'region' | 'team'][] = [['Localization', 'area'], ['Education', 'area'], ['Testing & QA', 'area'], ['Development', 'area'], ['Design', 'area'], ['Latin America', 'region'], ['Africa', 'region'], ['Europe', 'region'], ['Asia Pacific', 'region'], ['Reps Council', 'team'], ['Mentors', 'team'], ['Events Team', 'team']];

export const LANGUAGES = [
	'en',
	'es',
	'fr',
	'pt-BR',
	'de',
	'ar',
	'hi',
	'id',
	'zh',
	'ja',
	'ru',
	'pt',
	'it',
	'ko',
	'tr',
	'vi',
	'pl',
	'nl',
	'sw',
	'yo',
	'ta',
	'bn',
	'fa',
	'th',
	'sv',
	'el',
	'uk',
	'cs'
];

/** One query of the mix: what it stands for, and the request. */
export interface DirectoryQuery {
	kind: string;
	q?: string;
	skill?: string;
	language?: string;
	country?: string;
	area?: string;
	/** Ask for the second page (the first page's cursor). */
	secondPage?: boolean;
	/** The index of a generated group (server benchmark only). */
	groupIndex?: number;
}

/**
 * The mix both directory benchmarks time, in equal shares: name prefixes (common and rare,
 * early and late in the alphabet), whole names, skills and cities typed as text, filters alone
 * and combined, second pages, and a query that finds nobody.
 */
export const QUERY_MIX: DirectoryQuery[] = [
	{ kind: 'name prefix', q: 'mar' },
	{ kind: 'name prefix', q: 'zo' },
	{ kind: 'name prefix', q: 'yus' },
	{ kind: 'name prefix', q: 'lu' },
	{ kind: 'name prefix', q: 'kowal' },
	{ kind: 'whole name', q: 'ana silva' },
	{ kind: 'whole name', q: 'Łukasz Nowak' },
	{ kind: 'whole name', q: 'mia herr' },
	{ kind: 'skill as text', q: 'javascript' },
	{ kind: 'skill as text', q: 'grant writ' },
	{ kind: 'city as text', q: 'berlin' },
	{ kind: 'city as text', q: 'sao paulo' },
	{ kind: 'city as text', q: 'Montréal' },
	{ kind: 'skill filter', skill: 'translation' },
	{ kind: 'skill filter', skill: 'grant writing' },
	{ kind: 'language filter', language: 'es' },
	{ kind: 'language filter', language: 'pt' },
	{ kind: 'language filter', language: 'cs' },
	{ kind: 'combined', q: 'mar', country: 'ES' },
	{ kind: 'combined', skill: 'python', language: 'fr' },
	{ kind: 'combined', q: 'rust', area: 'development' },
	{ kind: 'combined', q: 'kenji', language: 'ja', country: 'JP' },
	{ kind: 'combined', skill: 'figma', country: 'BR', area: 'design' },
	{ kind: 'combined', q: 'lu', language: 'pt-BR', skill: 'qa' },
	{ kind: 'group filter', groupIndex: 0 },
	{ kind: 'group filter', q: 'ana', groupIndex: 5 },
	{ kind: 'second page', q: 'mar', secondPage: true },
	{ kind: 'second page', language: 'es', secondPage: true },
	{ kind: 'nobody', q: 'xyzzy' }
];
