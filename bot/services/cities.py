"""The member cities the Secretariat keeps: list, search, add, edit, import a CSV file."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cities import PAGE_SIZE, CityPage, MemberCity, matching
from bot.domain.city_rows import CityRow, ImportReport, ReadRows, RowRefused, city_row
from bot.domain.countries import fold
from bot.domain.roles import Action
from bot.services.rights import require
from storage import cities as queries
from storage.models import Account, City


def member_city(row: City) -> MemberCity:
    return MemberCity(row.id, row.name, row.country, tuple(row.aliases or ()), bool(row.listed))


class Cities:
    """Member cities, for one update; changes need the acting person's right."""

    def __init__(self, session: AsyncSession, actor: Account, admin_ids: tuple[int, ...]) -> None:
        self.session = session
        self.actor = actor
        self.admin_ids = admin_ids

    async def search(self, text: str) -> list[MemberCity]:
        """Listed cities matching a typed name (anyone registering may search)."""
        rows = await queries.listed_cities(self.session)
        return matching(text, [member_city(r) for r in rows])

    async def get(self, city_id: int) -> MemberCity | None:
        row = await self.session.get(City, city_id)
        return member_city(row) if row is not None else None

    async def listed(self, city_id: int) -> MemberCity:
        """A city on the member list (`unknown_city` otherwise: left it, or never was)."""
        require(self.actor, self.admin_ids, Action.MANAGE_CITIES)
        row = await self.session.get(City, city_id)
        if row is None or not row.listed:
            raise RowRefused("unknown_city")
        return member_city(row)

    async def page(self, number: int) -> CityPage:
        require(self.actor, self.admin_ids, Action.MANAGE_CITIES)
        total = await queries.count_listed(self.session)
        number = min(max(number, 0), max(0, total - 1) // PAGE_SIZE)
        rows = await queries.listed_page(self.session, number * PAGE_SIZE, PAGE_SIZE)
        return CityPage([member_city(r) for r in rows], number, total)

    async def add(self, row: CityRow) -> MemberCity:
        """Put a city on the list; one a registration created unlisted joins it."""
        require(self.actor, self.admin_ids, Action.MANAGE_CITIES)
        city = await queries.city_with_key(self.session, *row.key)
        if city is not None and city.listed:
            raise RowRefused("exists", name=city.name)
        if city is None:
            city = City(name=row.name, name_key=fold(row.name), country=row.country)
            self.session.add(city)
        city.name, city.aliases, city.listed = row.name, list(row.aliases), True
        await self.session.flush()
        await queries.rename_for_officials(self.session, city)
        await self.session.commit()
        return member_city(city)

    async def edit(
        self,
        city_id: int,
        name: str | None = None,
        country: str | None = None,
        aliases: str | None = None,
    ) -> MemberCity:
        """Change a listed city's name, country or aliases (each checked as in a CSV row)."""
        require(self.actor, self.admin_ids, Action.MANAGE_CITIES)
        city = await self.session.get(City, city_id)
        if city is None or not city.listed:
            raise RowRefused("unknown_city")
        row = city_row(
            city.name if name is None else name,
            city.country if country is None else country,
            "; ".join(city.aliases or ()) if aliases is None else aliases,
        )
        other = await queries.city_with_key(self.session, *row.key)
        if other is not None and other.id != city.id:
            raise RowRefused("exists", name=other.name)
        city.name, city.name_key, city.country = row.name, fold(row.name), row.country
        city.aliases = list(row.aliases)
        await queries.rename_for_officials(self.session, city)
        await self.session.commit()
        return member_city(city)

    async def import_rows(self, read: ReadRows) -> ImportReport:
        """Rows of the Secretariat's file: new cities added, known ones updated (the file is
        the reference for their name and aliases), refused rows reported with their reason."""
        require(self.actor, self.admin_ids, Action.IMPORT_CITIES)
        report = ImportReport(refused=list(read.refused))
        known = {(c.name_key, c.country): c for c in await queries.all_cities(self.session)}
        for line, row in read.good:
            city = known.get(row.key)
            if city is None:
                city = City(name=row.name, name_key=row.key[0], country=row.country)
                self.session.add(city)
                known[row.key] = city
            elif city.listed and (city.name, list(city.aliases or ())) == (
                row.name,
                list(row.aliases),
            ):
                report.unchanged += 1
                continue
            (report.updated if city.listed else report.added).append((line, row))
            city.name, city.aliases, city.listed = row.name, list(row.aliases), True
        await self.session.flush()
        for _line, row in report.added + report.updated:
            await queries.rename_for_officials(self.session, known[row.key])
        await self.session.commit()
        return report
