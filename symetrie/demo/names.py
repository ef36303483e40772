"""French names and places for the demo company, written out by hand (no Faker, no download).

The lists are ordered: the generator draws from them with a seeded random generator, so
reordering or editing an entry changes the demo generated for a given seed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Mixed genders and generations, as in the workforce of a French retail network.
FIRST_NAMES: tuple[str, ...] = (
    # women
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sandrine", "Valérie", "Christine",
    "Véronique", "Stéphanie", "Céline", "Aurélie", "Émilie", "Julie", "Camille", "Laura",
    "Sarah", "Léa", "Manon", "Chloé", "Emma", "Inès", "Clara", "Pauline", "Marion", "Mélanie",
    "Laetitia", "Caroline", "Virginie", "Anne", "Sophie", "Élodie", "Audrey", "Charlotte",
    "Lucie", "Mathilde", "Claire", "Hélène", "Florence", "Patricia", "Brigitte", "Martine",
    "Françoise", "Agnès", "Corinne", "Karine", "Delphine", "Séverine", "Vanessa", "Jessica",
    "Océane", "Anaïs", "Justine", "Margaux", "Alice", "Juliette", "Louise", "Jade", "Nadia",
    "Samira", "Fatima", "Yasmine", "Amina", "Leïla", "Sonia", "Myriam", "Fanny", "Estelle",
    "Magali", "Nora", "Alexandra", "Elsa", "Morgane", "Ophélie", "Solène", "Gaëlle",
    # men
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Patrick", "Nicolas", "Christophe",
    "Laurent", "Frédéric", "Stéphane", "David", "Olivier", "Éric", "Sébastien", "Julien",
    "Thomas", "Alexandre", "Maxime", "Antoine", "Guillaume", "Romain", "Vincent", "François",
    "Jérôme", "Fabrice", "Thierry", "Pascal", "Didier", "Bruno", "Franck", "Cédric", "Arnaud",
    "Mathieu", "Benjamin", "Kevin", "Anthony", "Jonathan", "Florian", "Quentin", "Hugo",
    "Lucas", "Louis", "Théo", "Nathan", "Baptiste", "Clément", "Paul", "Adrien", "Damien",
    "Yann", "Loïc", "Gaël", "Karim", "Mehdi", "Rachid", "Samir", "Youssef", "Mohamed", "Bilal",
    "Sofiane", "Hakim", "Jean-Pierre", "Jean-Luc", "Jean-Marc", "Marc", "Gilles", "Hervé",
    "Dominique", "Emmanuel", "Raphaël", "Simon", "Victor", "Ludovic",
)  # fmt: skip

# Roughly in order of frequency in France: earlier names are drawn more often.
LAST_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
    "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
    "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier",
    "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
    "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas",
    "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc",
    "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy",
    "Guillot", "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis",
    "Deschamps", "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet",
    "Adam", "Paris", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault",
    "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider",
    "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost", "Millet",
    "Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton", "Besson", "Langlois", "Rémy",
    "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal",
    "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Rodriguez",
    "Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier", "Chevallier", "Collin",
    "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître", "Bénard", "Maréchal", "Humbert",
    "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy", "Cordier", "Pichon", "Lejeune",
    "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte", "Nguyen", "Diallo",
    "Benali", "Haddad", "Ferreira", "Fernandes", "Traoré", "Mendy", "Bouzid", "Kaya",
)  # fmt: skip


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class Town:
    name: str
    region: str  # a Region code
    population_k: int  # thousands of inhabitants: more people, more agencies
    # Named quarters, used for the town's agencies before the generic street names.
    districts: tuple[str, ...] = ()


# Metropolitan regions, most populous first: a small network covers the first ones.
REGIONS: tuple[Region, ...] = (
    Region("IDF", "Île-de-France"),
    Region("ARA", "Auvergne-Rhône-Alpes"),
    Region("PACA", "Provence-Alpes-Côte d'Azur"),
    Region("OCC", "Occitanie"),
    Region("NAQ", "Nouvelle-Aquitaine"),
    Region("HDF", "Hauts-de-France"),
    Region("GE", "Grand Est"),
    Region("PDL", "Pays de la Loire"),
    Region("BRE", "Bretagne"),
    Region("NOR", "Normandie"),
    Region("BFC", "Bourgogne-Franche-Comté"),
    Region("CVL", "Centre-Val de Loire"),
)

# Within a region, the largest town comes first: it always gets the region's first agency.
TOWNS: tuple[Town, ...] = (
    Town("Paris", "IDF", 2100, (
        "Opéra", "Bastille", "Montparnasse", "République", "Nation", "Batignolles",
        "Saint-Germain", "Marais", "Belleville", "Passy", "Gare de Lyon", "Italie", "Ternes",
        "Montmartre", "Convention", "Alésia", "Auteuil", "Denfert-Rochereau", "Wagram",
        "Saint-Lazare", "Châtelet", "Bercy", "Buttes-Chaumont", "La Villette", "Trocadéro",
        "Champs-Élysées", "Madeleine", "Grands Boulevards", "Odéon", "Gobelins", "Vaugirard",
        "Porte Maillot", "Jourdain", "Daumesnil",
    )),
    Town("Boulogne-Billancourt", "IDF", 120),
    Town("Saint-Denis", "IDF", 113),
    Town("Argenteuil", "IDF", 110),
    Town("Montreuil", "IDF", 110),
    Town("Nanterre", "IDF", 96),
    Town("Vitry-sur-Seine", "IDF", 95),
    Town("Créteil", "IDF", 92),
    Town("Versailles", "IDF", 83),
    Town("Rueil-Malmaison", "IDF", 79),
    Town("Évry-Courcouronnes", "IDF", 67),
    Town("Cergy", "IDF", 66),
    Town("Meaux", "IDF", 55),
    Town("Saint-Germain-en-Laye", "IDF", 45),
    Town("Melun", "IDF", 41),
    Town("Lyon", "ARA", 520, (
        "Part-Dieu", "Bellecour", "Croix-Rousse", "Confluence", "Vaise", "Monplaisir",
        "Brotteaux", "Gerland",
    )),
    Town("Saint-Étienne", "ARA", 172),
    Town("Grenoble", "ARA", 157),
    Town("Villeurbanne", "ARA", 152),
    Town("Clermont-Ferrand", "ARA", 147, ("Jaude", "Montferrand")),
    Town("Annecy", "ARA", 131),
    Town("Valence", "ARA", 64),
    Town("Chambéry", "ARA", 60),
    Town("Bourg-en-Bresse", "ARA", 42),
    Town("Montluçon", "ARA", 34),
    Town("Roanne", "ARA", 34),
    Town("Vienne", "ARA", 30),
    Town("Aurillac", "ARA", 25),
    Town("Marseille", "PACA", 873, (
        "Vieux-Port", "Castellane", "La Joliette", "Prado", "Canebière", "Saint-Barnabé",
        "Les Chartreux",
    )),
    Town("Nice", "PACA", 343, ("Masséna", "Libération", "Cimiez", "Port")),
    Town("Toulon", "PACA", 180),
    Town("Aix-en-Provence", "PACA", 147, ("Mirabeau",)),
    Town("Avignon", "PACA", 91),
    Town("Cannes", "PACA", 74),
    Town("Antibes", "PACA", 73),
    Town("Hyères", "PACA", 56),
    Town("Fréjus", "PACA", 55),
    Town("Arles", "PACA", 51),
    Town("Gap", "PACA", 41),
    Town("Toulouse", "OCC", 504, (
        "Capitole", "Saint-Cyprien", "Compans-Caffarelli", "Rangueil", "Minimes", "Carmes",
    )),
    Town("Montpellier", "OCC", 302, ("Comédie", "Antigone", "Port Marianne", "Arceaux")),
    Town("Nîmes", "OCC", 149),
    Town("Perpignan", "OCC", 120),
    Town("Béziers", "OCC", 79),
    Town("Montauban", "OCC", 62),
    Town("Narbonne", "OCC", 56),
    Town("Albi", "OCC", 49),
    Town("Carcassonne", "OCC", 46),
    Town("Tarbes", "OCC", 42),
    Town("Castres", "OCC", 42),
    Town("Rodez", "OCC", 25),
    Town("Bordeaux", "NAQ", 261, ("Chartrons", "Mériadeck", "Saint-Augustin", "Bastide")),
    Town("Limoges", "NAQ", 130),
    Town("Poitiers", "NAQ", 89),
    Town("La Rochelle", "NAQ", 78),
    Town("Pau", "NAQ", 76),
    Town("Mérignac", "NAQ", 72),
    Town("Pessac", "NAQ", 65),
    Town("Niort", "NAQ", 59),
    Town("Bayonne", "NAQ", 52),
    Town("Brive-la-Gaillarde", "NAQ", 46),
    Town("Angoulême", "NAQ", 41),
    Town("Agen", "NAQ", 33),
    Town("Périgueux", "NAQ", 30),
    Town("Lille", "HDF", 236, ("Vieux-Lille", "Wazemmes", "Euralille", "Vauban", "Fives")),
    Town("Amiens", "HDF", 134),
    Town("Roubaix", "HDF", 98),
    Town("Tourcoing", "HDF", 98),
    Town("Dunkerque", "HDF", 87),
    Town("Calais", "HDF", 67),
    Town("Villeneuve-d'Ascq", "HDF", 62),
    Town("Beauvais", "HDF", 56),
    Town("Saint-Quentin", "HDF", 53),
    Town("Valenciennes", "HDF", 43),
    Town("Arras", "HDF", 41),
    Town("Compiègne", "HDF", 40),
    Town("Boulogne-sur-Mer", "HDF", 40),
    Town("Lens", "HDF", 32),
    Town("Strasbourg", "GE", 290, ("Kléber", "Neudorf", "Krutenau", "Esplanade")),
    Town("Reims", "GE", 182),
    Town("Metz", "GE", 120),
    Town("Mulhouse", "GE", 108),
    Town("Nancy", "GE", 104, ("Stanislas",)),
    Town("Colmar", "GE", 67),
    Town("Troyes", "GE", 62),
    Town("Charleville-Mézières", "GE", 46),
    Town("Thionville", "GE", 42),
    Town("Épinal", "GE", 32),
    Town("Nantes", "PDL", 320, ("Commerce", "Graslin", "Île de Nantes", "Doulon")),
    Town("Angers", "PDL", 157),
    Town("Le Mans", "PDL", 144),
    Town("Saint-Nazaire", "PDL", 71),
    Town("La Roche-sur-Yon", "PDL", 55),
    Town("Cholet", "PDL", 54),
    Town("Laval", "PDL", 49),
    Town("Rennes", "BRE", 222, ("République", "Thabor", "Villejean", "Cleunay")),
    Town("Brest", "BRE", 140),
    Town("Quimper", "BRE", 63),
    Town("Lorient", "BRE", 57),
    Town("Vannes", "BRE", 54),
    Town("Saint-Malo", "BRE", 47),
    Town("Saint-Brieuc", "BRE", 44),
    Town("Le Havre", "NOR", 166),
    Town("Rouen", "NOR", 114, ("Vieux-Marché", "Rive Gauche")),
    Town("Caen", "NOR", 106),
    Town("Cherbourg-en-Cotentin", "NOR", 78),
    Town("Évreux", "NOR", 47),
    Town("Dieppe", "NOR", 28),
    Town("Alençon", "NOR", 26),
    Town("Dijon", "BFC", 158, ("Darcy",)),
    Town("Besançon", "BFC", 119),
    Town("Belfort", "BFC", 46),
    Town("Chalon-sur-Saône", "BFC", 44),
    Town("Auxerre", "BFC", 34),
    Town("Mâcon", "BFC", 34),
    Town("Nevers", "BFC", 32),
    Town("Tours", "CVL", 137),
    Town("Orléans", "CVL", 117),
    Town("Bourges", "CVL", 64),
    Town("Blois", "CVL", 46),
    Town("Châteauroux", "CVL", 43),
    Town("Chartres", "CVL", 38),
)  # fmt: skip

# Places every French town has: names for a town's second, third... agency.
STREETS: tuple[str, ...] = (
    "Gare", "Hôtel de Ville", "République", "Jean Jaurès", "Victor Hugo", "Gambetta",
    "Pasteur", "Foch", "Clemenceau", "Carnot", "Les Halles", "Saint-Michel", "Université",
    "Liberté", "Marché", "Cathédrale", "Château", "Jean Moulin", "Général de Gaulle",
    "Champ de Mars", "Les Arcades", "Saint-Pierre", "Voltaire", "Hôpital", "Lycée",
)  # fmt: skip
# Compass points close the list, once the named places run out.
COMPASS: tuple[str, ...] = ("Nord", "Sud", "Est", "Ouest")


def ascii_slug(text: str, *, separator: str = "-") -> str:
    """`Saint-Étienne Jean Jaurès` → `saint-etienne-jean-jaures` (for codes and e-mails)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(ch if ch.isalnum() else " " for ch in plain.lower()).split()
    return separator.join(words)


# ---------------------------------------------------------------- customers

# Customers' first names by birth cohort (women, then men), so that a 20-year-old is a Léa
# or a Lucas and an 80-year-old a Monique or a Jacques.
COHORT_FIRST_NAMES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1955, (
        "Monique", "Jacqueline", "Michèle", "Colette", "Danielle", "Josette", "Simone",
        "Bernadette", "Odette", "Yvette", "Huguette", "Annie", "Christiane", "Nicole",
        "Françoise", "Marie-Thérèse", "Jeannine", "Paulette", "Geneviève", "Suzanne",
        "Jean", "Michel", "André", "Pierre", "Claude", "Jacques", "René", "Roger", "Bernard",
        "Gérard", "Marcel", "Robert", "Georges", "Daniel", "Henri", "Raymond", "Guy",
        "Maurice", "Yves", "Serge", "Ahmed", "Manuel",
    )),
    (1975, (
        "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Patricia", "Brigitte",
        "Martine", "Véronique", "Valérie", "Corinne", "Pascale", "Dominique", "Florence",
        "Muriel", "Laurence", "Agnès", "Hélène", "Chantal", "Évelyne", "Fatima", "Karima",
        "Philippe", "Alain", "Patrick", "Thierry", "Pascal", "Didier", "Éric", "Christophe",
        "Laurent", "Frédéric", "Bruno", "Olivier", "Dominique", "Hervé", "Denis", "Gilles",
        "Franck", "Jean-Marc", "Jean-Luc", "Mohamed", "José",
    )),
    (1995, (
        "Céline", "Aurélie", "Émilie", "Julie", "Stéphanie", "Sandrine", "Audrey", "Élodie",
        "Mélanie", "Laetitia", "Caroline", "Virginie", "Marion", "Pauline", "Charlotte",
        "Amandine", "Jessica", "Vanessa", "Sarah", "Anaïs", "Samira", "Nadia", "Leïla",
        "Julien", "Sébastien", "Nicolas", "Guillaume", "Romain", "Kevin", "Anthony",
        "Jonathan", "Mathieu", "Thomas", "Maxime", "Alexandre", "Vincent", "Jérémy", "Florian",
        "Benjamin", "Damien", "Mickaël", "Karim", "Mehdi", "Sofiane",
    )),
    (2010, (
        "Léa", "Manon", "Chloé", "Emma", "Inès", "Camille", "Océane", "Jade", "Lina", "Sarah",
        "Louise", "Clara", "Zoé", "Lola", "Juliette", "Alice", "Maëlys", "Lou", "Yasmine",
        "Mathilde", "Lucas", "Hugo", "Théo", "Nathan", "Enzo", "Louis", "Mathis", "Tom",
        "Noah", "Yanis", "Rayan", "Gabriel", "Arthur", "Jules", "Clément", "Baptiste",
        "Antoine", "Paul", "Adam", "Ethan", "Nolan", "Ilyes",
    )),
)  # fmt: skip

# Customers who prefer English: expatriates and newcomers.
ENGLISH_FIRST_NAMES: tuple[str, ...] = (
    "James", "Emily", "Oliver", "Sophie", "Daniel", "Hannah", "Michael", "Laura", "David",
    "Sarah", "Thomas", "Emma", "Matthew", "Olivia", "Andrew", "Charlotte", "Ryan", "Jessica",
    "Lukas", "Anna", "Marco", "Giulia", "Pieter", "Sanne", "Erik", "Ingrid", "Kenji", "Priya",
)  # fmt: skip
ENGLISH_LAST_NAMES: tuple[str, ...] = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans",
    "Walker", "Wright", "Thompson", "Hughes", "Green", "Hall", "Clarke", "Murphy", "O'Brien",
    "Müller", "Schmidt", "Rossi", "Bianchi", "de Vries", "Jansen", "Andersson", "Nielsen",
    "Tanaka", "Patel",
)  # fmt: skip

# Personal e-mail providers, most used first, with their weight.
EMAIL_DOMAINS: tuple[tuple[str, int], ...] = (
    ("gmail.com", 38), ("orange.fr", 14), ("hotmail.fr", 9), ("free.fr", 7), ("yahoo.fr", 6),
    ("outlook.fr", 5), ("sfr.fr", 4), ("laposte.net", 4), ("wanadoo.fr", 4), ("icloud.com", 4),
    ("hotmail.com", 2), ("bbox.fr", 2), ("live.fr", 1),
)  # fmt: skip

# Where customers spend: named in disputed payments and card transactions.
MERCHANTS: tuple[str, ...] = (
    "Amazon", "Fnac", "Leroy Merlin", "Carrefour", "E.Leclerc", "SNCF Connect", "Decathlon",
    "Cdiscount", "Booking.com", "Airbnb", "Uber", "Deliveroo", "Zalando", "Vinted",
    "Intermarché", "Boulanger", "Ikea", "TotalEnergies", "Apple", "Netflix", "Darty",
    "Lidl", "Auchan", "Air France", "Ryanair", "Sephora", "Castorama", "La Redoute",
)  # fmt: skip
